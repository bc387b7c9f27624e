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
  var reactionChoices = JSON.parse(document.getElementById("reaction-choices").textContent);
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

  function postForm(action, label, fields, className) {
    var formNode = element("form", "inline-form");
    formNode.method = "post";
    formNode.action = action;
    if (csrfInput) {
      formNode.appendChild(csrfInput.cloneNode());
    }
    Object.keys(fields).forEach(function (name) {
      var input = document.createElement("input");
      input.type = "hidden";
      input.name = name;
      input.value = fields[name];
      formNode.appendChild(input);
    });
    var button = element("button", className, label);
    button.type = "submit";
    formNode.appendChild(button);
    return formNode;
  }

  function reactionList(message) {
    var list = element("ul", "reactions");
    list.setAttribute("aria-label", text.reactions);
    if (!csrfInput) {
      return list;
    }
    reactionChoices.forEach(function (choice) {
      var item = document.createElement("li");
      var formNode = postForm(message.permalink + "reaktion/", "", { emoji: choice[0] }, "reaction");
      var button = formNode.querySelector("button");
      button.setAttribute("aria-pressed", "false");
      button.dataset.emoji = choice[0];
      var symbol = element("span", "", choice[0]);
      symbol.setAttribute("aria-hidden", "true");
      button.appendChild(symbol);
      button.appendChild(element("span", "visually-hidden", choice[1]));
      button.appendChild(element("span", "reaction__count", ""));
      item.appendChild(formNode);
      list.appendChild(item);
    });
    return list;
  }

  // The same markup as templates/includes/avatar.html (32 px, decorative).
  function avatarNode(avatar) {
    if (avatar && avatar.url) {
      var picture = element("img", "avatar avatar--size-32");
      picture.src = avatar.url;
      picture.alt = "";
      picture.width = 32;
      picture.height = 32;
      return picture;
    }
    var initials = avatar && avatar.initials;
    var circle = element("span", "avatar avatar--size-32 " + (initials ? "avatar--" + avatar.colour : "avatar--neutral"), initials || "?");
    circle.setAttribute("aria-hidden", "true");
    return circle;
  }

  function renderMessage(message) {
    var article = element("article", "discussion-message");
    article.id = "nachricht-" + message.id;
    article.dataset.messageId = message.id;
    article.setAttribute("aria-labelledby", article.id + "-kopf");
    var header = element("header", "discussion-message__header");
    header.id = article.id + "-kopf";
    header.appendChild(avatarNode(message.author_avatar));
    header.appendChild(element("span", "discussion-message__author", message.author.name));
    var link = element("a", "discussion-message__time");
    link.href = message.permalink;
    var time = element("time", "", new Date(message.created_at).toLocaleString(document.documentElement.lang || "de"));
    time.dateTime = message.created_at;
    link.appendChild(time);
    link.appendChild(element("span", "visually-hidden", " – " + text.permalink));
    header.appendChild(link);
    article.appendChild(header);
    if (message.reply_to) {
      var context = element("p", "discussion-message__context");
      var contextLink = element("a", "", text.reply);
      contextLink.href = message.permalink.replace(/\d+\/$/, message.reply_to + "/");
      context.appendChild(contextLink);
      article.appendChild(context);
    }
    var body = element("div", "discussion-message__body");
    body.innerHTML = message.html; // sanitised on the server (nh3)
    article.appendChild(body);
    article.appendChild(reactionList(message));
    var actions = element("div", "discussion-message__actions");
    if (!message.reply_to) {
      var thread = element("a", "", text.answer);
      thread.href = message.permalink + "thread/";
      actions.appendChild(thread);
    }
    if (message.author.id === memberId) {
      var edit = element("a", "", text.edit);
      edit.href = message.permalink + "bearbeiten/";
      actions.appendChild(edit);
      if (csrfInput) {
        actions.appendChild(postForm(message.permalink + "loeschen/", text.delete, {}, "link-button"));
      }
    }
    article.appendChild(actions);
    return article;
  }

  function markEdited(article) {
    if (!article.querySelector(".discussion-message__edited")) {
      article
        .querySelector(".discussion-message__header")
        .appendChild(element("span", "discussion-message__edited", "(" + text.edited + ")"));
    }
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

  function removeMessage(messageId, tombstone) {
    var article = document.getElementById("nachricht-" + messageId);
    if (!article || article.classList.contains("discussion-message--deleted")) {
      return;
    }
    article.classList.add("discussion-message--deleted");
    article.querySelector(".discussion-message__author").textContent = text.deletedAuthor;
    var avatar = article.querySelector(".discussion-message__header > .avatar");
    if (avatar) {
      avatar.replaceWith(avatarNode(null));
    }
    ["discussion-message__body", "reactions", "discussion-message__actions", "discussion-message__edited"].forEach(function (name) {
      var node = article.querySelector("." + name);
      if (node) {
        node.remove();
      }
    });
    article.appendChild(element("p", "discussion-message__tombstone", tombstone));
  }

  var handlers = {
    "message.new": function (event) {
      if (!live || document.getElementById("nachricht-" + event.message.id)) {
        return;
      }
      var empty = log.querySelector(".discussion-log__empty");
      if (empty) {
        empty.remove();
      }
      log.appendChild(renderMessage(event.message));
      delete typingNames[event.message.author.id];
      showTyping();
      if (event.message.author.id !== memberId) {
        announce(text.newMessage + " " + event.message.author.name + ": " + (new DOMParser().parseFromString(event.message.html, "text/html").body.textContent || "").slice(0, 200));
      }
      markRead(event.message.id);
    },
    "message.edited": function (event) {
      var article = document.getElementById("nachricht-" + event.message.id);
      if (article) {
        article.querySelector(".discussion-message__body").innerHTML = event.message.html;
        markEdited(article);
      }
    },
    "message.hidden": function (event) {
      removeMessage(event.message_id, text.hidden);
    },
    "message.deleted": function (event) {
      removeMessage(event.message_id, text.deleted);
    },
    "reaction.changed": function (event) {
      var article = document.getElementById("nachricht-" + event.message_id);
      if (!article) {
        return;
      }
      article.querySelectorAll("[data-emoji]").forEach(function (node) {
        var count = node.querySelector(".reaction__count");
        if (count) {
          count.textContent = event.counts[node.dataset.emoji] || "";
        }
        if (event.member_id === memberId && node.dataset.emoji === event.emoji && node.tagName === "BUTTON") {
          node.setAttribute("aria-pressed", event.added ? "true" : "false");
          node.classList.toggle("reaction--mine", event.added);
        }
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
  liveConnection.onOpen(function () {
    present = {};
    send({ type: "channel.open", channel: channelId });
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
  // choose, Enter or Tab inserts "@Name ", Escape closes (ARIA combobox pattern).
  var suggestions = document.getElementById("mention-suggestions");
  if (form && suggestions && form.dataset.mentionsUrl) {
    var field = form.querySelector("textarea");
    var active = -1;
    var mentionStart = -1;
    var lookup = 0;
    field.setAttribute("role", "combobox");
    field.setAttribute("aria-autocomplete", "list");
    field.setAttribute("aria-controls", suggestions.id);
    field.setAttribute("aria-expanded", "false");

    var closeSuggestions = function () {
      suggestions.hidden = true;
      suggestions.textContent = "";
      active = -1;
      field.setAttribute("aria-expanded", "false");
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
            field.setAttribute("aria-expanded", "true");
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

  log.querySelectorAll(".discussion-message__actions form[action$='/loeschen/']").forEach(function (deleteForm) {
    deleteForm.addEventListener("submit", function (submitEvent) {
      if (!window.confirm(text.confirmDelete)) {
        submitEvent.preventDefault();
      }
    });
  });

})();
