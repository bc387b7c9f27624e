/*
 * The tab's one live connection (/ws/live/), shared by every script on the page.
 *
 * Scripts register with window.kollegiumLive.on(type, handler) for server events and send
 * frames with send(frame); onOpen runs again after every reconnect, so subscriptions are
 * renewed. New notifications update the header badge and are announced politely.
 */
(function () {
  "use strict";

  if (!("WebSocket" in window)) {
    return;
  }
  var listeners = {};
  var openListeners = [];
  var closeListeners = [];
  var socket = null;
  var retryDelay = 1000;
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

  function connect() {
    var scheme = window.location.protocol === "https:" ? "wss://" : "ws://";
    socket = new WebSocket(scheme + window.location.host + "/ws/live/");
    socket.addEventListener("open", function () {
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
        handler();
      });
      // A refused connection (signed out) is not retried; a dropped one is, with back-off.
      if (event.code !== 4401) {
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
    window.kollegiumLive.announce(event.text);
  });

  connect();
})();
