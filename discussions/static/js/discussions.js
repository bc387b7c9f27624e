/*
 * Live channel page: progressive enhancement of the plain forms.
 *
 * Without this script the page works through form posts and reloads. With it, the tab's one
 * websocket (live.js) delivers new, edited and deleted messages, reactions, typing and
 * presence; the message form posts over the socket and falls back to a normal submit when the
 * socket is not open. New messages are announced in a polite live region.
 */
(function () {
  "use strict";

  var log = document.getElementById("verlauf");
  var liveConnection = window.kollegiumLive;
  if (!log || !liveConnection) {
    return;
  }
  var channelId = Number(log.dataset.channelId);
  var memberId = Number(log.dataset.memberId);
  var live = log.dataset.live === "true";
  var form = document.getElementById("message-form");
  var status = document.getElementById("message-form-status");
  var typingLine = document.getElementById("typing");
  var presenceLine = document.getElementById("presence");
  var text = JSON.parse(document.getElementById("discussion-texts").textContent);
  var csrfInput = document.querySelector("input[name=csrfmiddlewaretoken]");

  var pending = {};
  var present = {};
  var typingTimers = {};
  var typingNames = {};
  var lastTypingSent = 0;
  var clientCounter = 0;

  function announce(message) {
    liveConnection.announce(message);
  }

  function element(tag, className, content) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (content) {
      node.textContent = content;
    }
    return node;
  }

  var mayPost = log.dataset.mayPost === "true";
  var panel = document.getElementById("thread-panel");
  var panelBody = document.getElementById("thread-panel-body");
  var wide = window.matchMedia("(min-width: 1100px)");

  // The server renders every message (includes/discussion_message.html) and the live events
  // carry that markup, rendered for no one in particular: here the viewer's own parts are
  // switched on by data attributes, and forms get this page's CSRF token.
  function prepare(root) {
    if (log.dataset.bookmarks !== "true") {
      root.querySelectorAll("[data-bookmark-live]").forEach(function (node) { node.remove(); });
    }
    root.querySelectorAll("form[method=post]").forEach(function (formNode) {
      if (csrfInput && !formNode.querySelector("input[name=csrfmiddlewaretoken]")) {
        formNode.appendChild(csrfInput.cloneNode());
      }
    });
    root.querySelectorAll("[data-author-id]").forEach(function (article) {
      var own = Number(article.dataset.authorId) === memberId;
      article.querySelectorAll("[data-own-only]").forEach(function (node) {
        if (own && mayPost) {
          node.hidden = false;
        } else {
          node.remove();
        }
      });
      if (own) {
        article.querySelectorAll("[data-others-only]").forEach(function (node) { node.remove(); });
      }
    });
    root.querySelectorAll("[data-asker-only][hidden]").forEach(function (node) {
      if (Number(node.dataset.askerOnly) === memberId) {
        node.hidden = false;
      } else {
        node.remove();
      }
    });
    if (!mayPost) {
      root.querySelectorAll("[data-may-post-only]").forEach(function (node) { node.remove(); });
    }
    root.querySelectorAll(".mention[data-member-id='" + memberId + "']").forEach(function (node) {
      node.classList.add("mention--me");
    });
    return root;
  }

  // The stream's end just above the composer, which sticks to the bottom of the viewport.
  function toNewest() {
    var composer = document.querySelector(".chat-composer");
    var below = composer ? composer.offsetHeight : 0;
    var top = log.getBoundingClientRect().bottom + window.scrollY + below - window.innerHeight;
    // At once, not smoothly: the loader of older messages waits at the top of the stream.
    window.scrollTo({ top: top, behavior: "instant" });
  }

  function fromMarkup(markup) {
    var holder = document.createElement("template");
    holder.innerHTML = markup;
    return prepare(holder.content);
  }

  function pressedIn(node) {
    var pressed = {};
    if (node) {
      node.querySelectorAll(".reactions__given [aria-pressed=true]").forEach(function (button) {
        pressed[button.dataset.emoji] = true;
      });
    }
    return pressed;
  }

  function applyPressed(node, pressed) {
    node.querySelectorAll(".reactions__given [data-emoji]").forEach(function (button) {
      var mine = Boolean(pressed[button.dataset.emoji]);
      button.classList.toggle("reaction--mine", mine);
      if (button.tagName === "BUTTON") {
        button.setAttribute("aria-pressed", mine ? "true" : "false");
      }
    });
  }

  // The live markup's "Merken" is unpressed: an edited message keeps the viewer's state.
  function keepBookmark(old, fresh) {
    var before = old.querySelector("form[data-toggle] button[aria-pressed]");
    var after = fresh.querySelector("form[data-toggle] button[aria-pressed]");
    if (!before || !after) {
      return;
    }
    var kept = before.getAttribute("aria-pressed");
    after.setAttribute("aria-pressed", kept);
    after.form.querySelector("[data-toggle-state]").value = kept === "true" ? "nein" : "ja";
  }

  // Replace every copy of a message (stream and thread panel) with its new markup.
  function replaceMessage(messageId, markup) {
    document.querySelectorAll("[data-message-id='" + messageId + "']").forEach(function (article) {
      var pressed = pressedIn(article);
      var fresh = fromMarkup(markup).firstElementChild;
      applyPressed(fresh, pressed);
      keepBookmark(article, fresh);
      article.replaceWith(fresh);
    });
  }

  function markRead(messageId) {
    if (document.visibilityState === "visible") {
      send({ type: "channel.read", channel: channelId, message_id: messageId });
    }
  }

  function showPresence() {
    var names = {};
    Object.keys(present).forEach(function (connection) {
      names[present[connection].id] = present[connection].name;
    });
    var list = Object.keys(names).map(function (id) { return names[id]; });
    presenceLine.hidden = list.length === 0;
    presenceLine.textContent = list.length ? text.present + " " + list.join(", ") : "";
  }

  function showTyping() {
    var names = Object.keys(typingNames).map(function (id) { return typingNames[id]; });
    typingLine.textContent = names.length ? names.join(", ") + " " + text.typing : "";
  }

  var handlers = {
    "message.new": function (event) {
      var message = event.message;
      if (event.thread) {
        document.querySelectorAll("#nachricht-" + event.thread.root + " .discussion-message__replies").forEach(function (link) {
          link.textContent = event.thread.label;
        });
        var thread = panel && !panel.hidden && panelBody.querySelector("[data-thread-root='" + event.thread.root + "']");
        if (thread && !thread.querySelector("[data-message-id='" + message.id + "']")) {
          thread.appendChild(fromMarkup(message.markup));
        }
      }
      if (!live || log.querySelector("[data-message-id='" + message.id + "']")) {
        return;
      }
      var empty = log.querySelector(".discussion-log__empty");
      if (empty) {
        empty.remove();
      }
      // Follow the stream only when its newest message is in view: a reader scrolled up stays.
      var newest = log.lastElementChild;
      var atBottom = !newest || newest.getBoundingClientRect().top < window.innerHeight;
      log.appendChild(fromMarkup(message.markup));
      if (atBottom || message.author.id === memberId) {
        toNewest();
      }
      delete typingNames[message.author.id];
      showTyping();
      if (message.author.id !== memberId) {
        announce(text.newMessage + " " + message.author.name + ": " + (new DOMParser().parseFromString(message.html, "text/html").body.textContent || "").slice(0, 200));
      }
      markRead(message.id);
    },
    "message.edited": function (event) {
      replaceMessage(event.message.id, event.message.markup);
    },
    "question.changed": function (event) {
      event.messages.forEach(function (message) { replaceMessage(message.id, message.markup); });
    },
    "message.hidden": function (event) {
      replaceMessage(event.message_id, event.markup);
    },
    "message.deleted": function (event) {
      replaceMessage(event.message_id, event.markup);
    },
    "reaction.changed": function (event) {
      document.querySelectorAll("[data-reactions-for='" + event.message_id + "']").forEach(function (reactions) {
        var pressed = pressedIn(reactions.parentNode);
        if (event.member_id === memberId) {
          pressed[event.emoji] = event.added;
        }
        var fresh = fromMarkup(event.markup).firstElementChild;
        applyPressed(fresh, pressed);
        reactions.replaceWith(fresh);
      });
    },
    typing: function (event) {
      if (event.member.id === memberId) {
        return;
      }
      typingNames[event.member.id] = event.member.name;
      clearTimeout(typingTimers[event.member.id]);
      typingTimers[event.member.id] = setTimeout(function () {
        delete typingNames[event.member.id];
        showTyping();
      }, 5000);
      showTyping();
    },
    presence: function (event) {
      if (event.state === "left") {
        delete present[event.connection];
      } else {
        present[event.connection] = event.member;
      }
      showPresence();
    },
    "message.posted": function (event) {
      if (pending[event.client_id]) {
        delete pending[event.client_id];
        form.querySelector("textarea").value = "";
        status.textContent = text.sent;
      }
    },
    "channel.revoked": function () {
      live = false;
      status.textContent = text.revoked;
    },
    error: function (event) {
      if (event.client_id && pending[event.client_id]) {
        delete pending[event.client_id];
        status.textContent = event.message;
      }
    }
  };

  function send(frame) {
    return liveConnection.send(frame);
  }

  Object.keys(handlers).forEach(function (type) {
    liveConnection.on(type, function (event) {
      if (event.channel === undefined || event.channel === channelId) {
        handlers[type](event);
      }
    });
  });
  // The channel list beside the stream counts what arrives in the other channels.
  var channelLinks = document.querySelectorAll("[data-channel-link]");
  liveConnection.on("message.new", function (event) {
    var link = document.querySelector("[data-channel-link='" + event.channel + "']");
    if (!link || event.channel === channelId || event.message.author.id === memberId) {
      return;
    }
    var badge = link.querySelector("[data-unread]");
    var count = badge.firstChild;
    count.textContent = String(Number(count.textContent) + 1);
    badge.hidden = false;
  });
  liveConnection.onOpen(function () {
    present = {};
    send({ type: "channel.open", channel: channelId });
    channelLinks.forEach(function (link) {
      var watched = Number(link.dataset.channelLink);
      if (watched !== channelId) {
        send({ type: "channel.watch", channel: watched });
      }
    });
  });
  liveConnection.onClose(function () {
    present = {};
    showPresence();
    // A post that was on its way may not have arrived: its text stays in the field to send
    // again (through the form, once the socket is gone).
    if (Object.keys(pending).length) {
      pending = {};
      status.textContent = "";
    }
  });

  if (form) {
    var textarea = form.querySelector("textarea");
    form.addEventListener("submit", function (submitEvent) {
      var replyTo = form.querySelector("input[name=reply_to]");
      var body = textarea.value;
      if (!body.trim()) {
        return; // the server answers with the form error
      }
      var asQuestion = form.querySelector("input[name=is_question]");
      if (asQuestion && asQuestion.checked) {
        return; // a question (with its title) goes through the form
      }
      clientCounter += 1;
      var clientId = "entwurf-" + clientCounter;
      var frame = { type: "message.post", channel: channelId, body: body, client_id: clientId };
      if (replyTo && replyTo.value) {
        frame.reply_to = Number(replyTo.value);
      }
      if (live && send(frame)) {
        submitEvent.preventDefault();
        pending[clientId] = true;
        status.textContent = text.sending;
      }
    });
    textarea.addEventListener("input", function () {
      var now = Date.now();
      if (now - lastTypingSent > 3000) {
        lastTypingSent = now;
        send({ type: "typing", channel: channelId });
      }
    });
  }

  // Mention autocomplete: typing "@" and a few letters offers channel members; arrow keys
  // choose, Enter or Tab inserts "@Name ", Escape closes. The textarea keeps its textbox role
  // (ARIA allows a combobox only on a single-line input) and points at the highlighted option
  // with aria-activedescendant.
  var suggestions = document.getElementById("mention-suggestions");
  if (form && suggestions && form.dataset.mentionsUrl) {
    var field = form.querySelector("textarea");
    var active = -1;
    var mentionStart = -1;
    var lookup = 0;
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", suggestions.id);

    var closeSuggestions = function () {
      suggestions.hidden = true;
      suggestions.textContent = "";
      active = -1;
      field.removeAttribute("aria-activedescendant");
    };
    var highlight = function (index) {
      var options = suggestions.querySelectorAll("[role=option]");
      options.forEach(function (option, position) {
        option.setAttribute("aria-selected", position === index ? "true" : "false");
      });
      active = index;
      if (options[index]) {
        field.setAttribute("aria-activedescendant", options[index].id);
      }
    };
    var insert = function (name) {
      var caret = field.selectionStart;
      field.value = field.value.slice(0, mentionStart) + "@" + name + " " + field.value.slice(caret);
      var position = mentionStart + name.length + 2;
      field.setSelectionRange(position, position);
      closeSuggestions();
      field.focus();
    };
    field.addEventListener("input", function () {
      var before = field.value.slice(0, field.selectionStart);
      var match = /(^|\s)@([^\s@][^@\n]{0,40})$/.exec(before);
      if (!match || match[2].length < 2) {
        closeSuggestions();
        return;
      }
      mentionStart = before.length - match[2].length - 1;
      lookup += 1;
      var current = lookup;
      fetch(form.dataset.mentionsUrl + "?q=" + encodeURIComponent(match[2]), {
        credentials: "same-origin",
        headers: { Accept: "application/json" }
      })
        .then(function (response) { return response.ok ? response.json() : { names: [] }; })
        .then(function (data) {
          if (current !== lookup) {
            return;
          }
          suggestions.textContent = "";
          data.names.forEach(function (name, index) {
            var option = element("li", "mention-suggestions__option", name);
            option.id = "mention-option-" + index;
            option.setAttribute("role", "option");
            option.addEventListener("mousedown", function (mouseEvent) {
              mouseEvent.preventDefault();
              insert(name);
            });
            suggestions.appendChild(option);
          });
          if (data.names.length) {
            suggestions.hidden = false;
            highlight(0);
          } else {
            closeSuggestions();
          }
        })
        .catch(closeSuggestions);
    });
    field.addEventListener("keydown", function (keyEvent) {
      if (suggestions.hidden) {
        return;
      }
      var options = suggestions.querySelectorAll("[role=option]");
      if (keyEvent.key === "ArrowDown" || keyEvent.key === "ArrowUp") {
        keyEvent.preventDefault();
        var step = keyEvent.key === "ArrowDown" ? 1 : -1;
        highlight((active + step + options.length) % options.length);
      } else if ((keyEvent.key === "Enter" || keyEvent.key === "Tab") && options[active]) {
        keyEvent.preventDefault();
        insert(options[active].textContent);
      } else if (keyEvent.key === "Escape") {
        closeSuggestions();
      }
    });
    field.addEventListener("blur", closeSuggestions);
  }

  function sendForm(formNode) {
    return fetch(formNode.action, {
      method: "POST",
      body: new FormData(formNode),
      credentials: "same-origin",
      headers: { "X-Requested-With": "fetch" }
    });
  }

  // Reactions, deleting and editing go by fetch; the page stays where it is. The server's
  // answer and the live event both bring the new markup.
  document.addEventListener("submit", function (submitEvent) {
    var formNode = submitEvent.target;
    if (!formNode.closest || !formNode.closest(".discussion-log, .thread-panel")) {
      return;
    }
    if (/\/reaktion\/$/.test(formNode.action)) {
      submitEvent.preventDefault();
      var reactions = formNode.closest(".reactions");
      sendForm(formNode).then(function (response) {
        return response.text().then(function (body) {
          if (!response.ok) {
            announce(body);
            return;
          }
          var fresh = fromMarkup(body).firstElementChild;
          if (reactions.isConnected) {
            reactions.replaceWith(fresh);
          }
          var toggle = fresh.querySelector(".reaction-picker__toggle");
          (toggle || fresh.querySelector("button") || log).focus();
        });
      }).catch(function () { formNode.submit(); });
    } else if (formNode.hasAttribute("data-delete-form") && !window.confirm(text.confirmDelete)) {
      submitEvent.preventDefault();
    } else if (formNode.classList.contains("message-edit-form")) {
      submitEvent.preventDefault();
      sendForm(formNode).then(function (response) {
        if (response.status === 204) {
          var article = formNode.closest(".discussion-message");
          formNode.remove();
          article.querySelector(".discussion-message__body").hidden = false;
          article.querySelector("[data-edit-link]").focus();
          return;
        }
        return response.text().then(function (body) {
          var fresh = fromMarkup(body).firstElementChild;
          formNode.replaceWith(fresh);
          fresh.querySelector("textarea").focus();
        });
      });
    } else if (formNode.classList.contains("thread-reply-form")) {
      var field = formNode.querySelector("textarea");
      var root = formNode.querySelector("input[name=reply_to]");
      if (field.value.trim() && live && send({ type: "message.post", channel: channelId, body: field.value, reply_to: Number(root.value) })) {
        submitEvent.preventDefault();
        field.value = "";
      }
    }
  });

  function closeEdit(formNode) {
    var article = formNode.closest(".discussion-message");
    formNode.remove();
    article.querySelector(".discussion-message__body").hidden = false;
    article.querySelector("[data-edit-link]").focus();
  }

  function openThread(link) {
    fetch(link.href.split("#")[0] + "?teil=panel", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
      .then(function (body) {
        panelBody.textContent = "";
        panelBody.appendChild(fromMarkup(body));
        panel.hidden = false;
        document.body.classList.add("has-thread-panel");
        var field = panelBody.querySelector("textarea");
        (field || panel.querySelector("[data-thread-close]")).focus();
      })
      .catch(function () { window.location.href = link.href; });
  }

  function closeThread() {
    panel.hidden = true;
    panelBody.textContent = "";
    document.body.classList.remove("has-thread-panel");
  }

  document.addEventListener("click", function (clickEvent) {
    var target = clickEvent.target.closest ? clickEvent.target : null;
    if (!target) {
      return;
    }
    var editLink = target.closest("[data-edit-link]");
    var threadLink = target.closest("[data-thread-link]");
    var cancel = target.closest("[data-edit-cancel]");
    if (editLink) {
      clickEvent.preventDefault();
      var article = editLink.closest(".discussion-message");
      if (article.querySelector(".message-edit-form")) {
        return;
      }
      fetch(editLink.href + "?teil=formular", { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
        .then(function (body) {
          var formNode = fromMarkup(body).firstElementChild;
          var messageBody = article.querySelector(".discussion-message__body");
          messageBody.hidden = true;
          messageBody.after(formNode);
          formNode.querySelector("textarea").focus();
          formNode.scrollIntoView({ block: "center" });
        })
        .catch(function () { window.location.href = editLink.href; });
    } else if (cancel) {
      clickEvent.preventDefault();
      closeEdit(cancel.closest("form"));
    } else if (threadLink && panel && wide.matches) {
      clickEvent.preventDefault();
      openThread(threadLink);
    } else if (target.closest("[data-thread-close]")) {
      closeThread();
    }
  });

  document.addEventListener("keydown", function (keyEvent) {
    if (keyEvent.key !== "Escape") {
      return;
    }
    var picker = document.activeElement && document.activeElement.closest && document.activeElement.closest(".reaction-picker[open]");
    var editForm = document.activeElement && document.activeElement.closest && document.activeElement.closest(".message-edit-form");
    if (picker) {
      picker.open = false;
      picker.querySelector("summary").focus();
    } else if (editForm) {
      closeEdit(editForm);
    } else if (panel && !panel.hidden && panel.contains(document.activeElement)) {
      closeThread();
    }
  });

  // Older messages load when the reader scrolls up to the top of the stream.
  function loadOlder(holder) {
    var link = holder.querySelector("a");
    holder.remove();
    var before = document.documentElement.scrollHeight;
    fetch(link.href + "&teil=verlauf", { credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
      .then(function (body) {
        log.prepend(fromMarkup(body));
        window.scrollBy({ top: document.documentElement.scrollHeight - before, behavior: "instant" });
        watchOlder();
      })
      .catch(function () { window.location.href = link.href; });
  }

  function watchOlder() {
    var holder = document.getElementById("aeltere");
    if (!holder || !("IntersectionObserver" in window)) {
      return;
    }
    var observer = new IntersectionObserver(function (entries) {
      if (entries[0].isIntersecting) {
        observer.disconnect();
        loadOlder(holder);
      }
    });
    observer.observe(holder);
  }

  // The channel opens at the first unread message, else at the newest.
  var unreadMarker = document.getElementById("ungelesen");
  if (!window.location.hash) {
    if (unreadMarker) {
      unreadMarker.scrollIntoView({ block: "center" });
    } else if (live) {
      toNewest();
    }
  }
  prepare(log);
  window.requestAnimationFrame(watchOlder);
})();
