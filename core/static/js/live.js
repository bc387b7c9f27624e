/*
 * The tab's one live connection (/ws/live/), shared by every script on the page.
 *
 * Scripts register with window.kollegiumLive.on(type, handler) for server events and send
 * frames with send(frame); onOpen runs again after every reconnect, so subscriptions are
 * renewed. New notifications update the header badge, join a notification list on the page
 * (data-notification-list) and are announced politely.
 *
 * The server closes the socket with SIGNED_OUT when the session ends (logout, also in another
 * tab) or the account may no longer take part. The session may also just have a new key (a
 * password change in another tab keeps this browser signed in): one fresh connection tells.
 * If the server refuses it too, the page says that the member was signed out and stops
 * reconnecting; links and forms keep working without the socket.
 */
(function () {
  "use strict";

  if (!("WebSocket" in window)) {
    return;
  }
  var SIGNED_OUT = 4401;
  var listeners = {};
  var openListeners = [];
  var closeListeners = [];
  var socket = null;
  var retryDelay = 1000;
  var checkingSession = false;
  var textsNode = document.getElementById("live-texts");
  var texts = textsNode ? JSON.parse(textsNode.textContent) : {};
  var announcer = document.createElement("div");
  announcer.id = "live-announcer";
  announcer.className = "visually-hidden";
  announcer.setAttribute("aria-live", "polite");
  document.body.appendChild(announcer);

  function dispatch(type, event) {
    (listeners[type] || []).forEach(function (handler) {
      handler(event);
    });
  }

  function showSignedOut() {
    var main = document.getElementById("inhalt") || document.body;
    var notice = document.createElement("div");
    notice.className = "notice notice--warning";
    notice.id = "live-signed-out";
    var line = document.createElement("p");
    line.textContent = (texts.signedOut || "") + " ";
    if (texts.loginUrl) {
      var link = document.createElement("a");
      var here = window.location.pathname + window.location.search;
      link.href = texts.loginUrl + "?next=" + encodeURIComponent(here);
      link.textContent = texts.signIn || "";
      line.appendChild(link);
    }
    notice.appendChild(line);
    main.insertBefore(notice, main.firstChild);
    window.kollegiumLive.announce(texts.signedOut || "");
  }

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    var opened = false;
    socket = new WebSocket(scheme + window.location.host + "/ws/live/");
    socket.addEventListener("open", function () {
      opened = true;
      checkingSession = false;
      retryDelay = 1000;
      openListeners.forEach(function (handler) {
        handler();
      });
    });
    socket.addEventListener("message", function (message) {
      var event;
      try {
        event = JSON.parse(message.data);
      } catch (error) {
        return;
      }
      if (event && typeof event.type === "string") {
        dispatch(event.type, event);
      }
    });
    socket.addEventListener("close", function (event) {
      socket = null;
      closeListeners.forEach(function (handler) {
        handler(event);
      });
      if (checkingSession && (!opened || event.code === SIGNED_OUT)) {
        // The session is gone: a refused handshake never opens.
        showSignedOut();
      } else if (event.code === SIGNED_OUT) {
        checkingSession = true;
        connect();
      } else {
        // A dropped connection is retried with back-off.
        setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    });
  }

  window.kollegiumLive = {
    on: function (type, handler) {
      (listeners[type] = listeners[type] || []).push(handler);
    },
    onOpen: function (handler) {
      openListeners.push(handler);
      if (socket && socket.readyState === WebSocket.OPEN) {
        handler();
      }
    },
    onClose: function (handler) {
      closeListeners.push(handler);
    },
    send: function (frame) {
      if (socket && socket.readyState === WebSocket.OPEN) {
        socket.send(JSON.stringify(frame));
        return true;
      }
      return false;
    },
    announce: function (message) {
      var item = document.createElement("p");
      item.textContent = message;
      announcer.appendChild(item);
      while (announcer.childNodes.length > 5) {
        announcer.removeChild(announcer.firstChild);
      }
    }
  };

  window.kollegiumLive.on("notification.new", function (event) {
    document.querySelectorAll("[data-notification-badge]").forEach(function (badge) {
      badge.textContent = "";
      var open = document.createElement("span");
      open.className = "visually-hidden";
      open.textContent = "(";
      var close = document.createElement("span");
      close.className = "visually-hidden";
      close.textContent = " " + (texts.unread || "") + ")";
      badge.appendChild(open);
      badge.appendChild(document.createTextNode(String(event.unread)));
      badge.appendChild(close);
    });
    // A list of notifications on the page (the notifications page) shows the new one first.
    document.querySelectorAll("[data-notification-list]").forEach(function (list) {
      var item = document.createElement("li");
      item.className = "notification notification--unread";
      var label = document.createElement("strong");
      label.textContent = texts.newNotification || "";
      var link = document.createElement("a");
      link.href = event.url;
      link.textContent = event.text;
      item.appendChild(label);
      item.appendChild(document.createTextNode(" "));
      item.appendChild(link);
      list.insertBefore(item, list.firstChild);
      list.hidden = false;
    });
    document.querySelectorAll("[data-notification-empty]").forEach(function (empty) {
      empty.hidden = true;
    });
    window.kollegiumLive.announce(event.text);
  });

  connect();
})();
