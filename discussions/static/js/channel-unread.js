/*
 * Unread counts of a list of channels outside a channel page (Mein Kollegium): the tab's
 * websocket (live.js) watches each listed channel with the same `channel.watch` frame the
 * channel list beside a channel uses, and a new message by someone else counts up its badge.
 * Without this script the counts are those of the page load.
 */
(function () {
  "use strict";

  var list = document.querySelector("[data-member-id]");
  var liveConnection = window.kollegiumLive;
  if (!list || !liveConnection) {
    return;
  }
  var memberId = Number(list.dataset.memberId);
  var links = list.querySelectorAll("[data-channel-link]");

  liveConnection.on("message.new", function (event) {
    var link = list.querySelector("[data-channel-link='" + event.channel + "']");
    if (!link || event.message.author.id === memberId) {
      return;
    }
    var badge = link.querySelector("[data-unread]");
    var count = badge.firstChild;
    count.textContent = String(Number(count.textContent) + 1);
    badge.hidden = false;
  });
  liveConnection.onOpen(function () {
    links.forEach(function (link) {
      liveConnection.send({ type: "channel.watch", channel: Number(link.dataset.channelLink) });
    });
  });
})();
