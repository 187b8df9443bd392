// Warrant console: the live approvals list (server-sent events) and time-left counters. Everything else is
// plain forms, enhanced by htmx. Served from this origin only; the page's CSP forbids inline script.
(function () {
  'use strict';

  function updateEmpty(list) {
    var empty = document.getElementById('no-approvals');
    if (empty) {
      empty.hidden = list.querySelector('article.approval') !== null;
    }
  }

  function liveApprovals() {
    var list = document.getElementById('approvals');
    if (!list || !list.dataset.events || !window.EventSource) {
      return;
    }
    updateEmpty(list);
    var source = new EventSource(list.dataset.events);
    source.addEventListener('approval', function (e) {
      var holder = document.createElement('div');
      holder.innerHTML = e.data;
      var item = holder.firstElementChild;
      if (!item || document.getElementById(item.id)) {
        return;
      }
      list.appendChild(item);
      timeLeft();
      if (window.htmx && typeof window.htmx.process === 'function') {
        window.htmx.process(item);
      }
      updateEmpty(list);
    });
    source.addEventListener('pending', function (e) {
      var pending = {};
      e.data.split(' ').forEach(function (id) { if (id) { pending[id] = true; } });
      // Not the ones this page is deciding: htmx swaps the answer into them once it arrives.
      list.querySelectorAll('article.approval:not(.decided):not(.deciding)').forEach(function (item) {
        if (!pending[item.dataset.id]) {
          item.remove();
        }
      });
      updateEmpty(list);
    });
    // The sign-in is over: stop listening and reload, which shows the sign-in form (or, renewed, the list again).
    source.addEventListener('ended', function () {
      source.close();
      window.location.reload();
    });
    // Capture phase: marked before htmx sends the decision, so the stream's next 'pending' leaves it in place.
    list.addEventListener('submit', function (e) {
      var item = e.target.closest('article.approval');
      if (item) {
        item.classList.add('deciding');
      }
    }, true);
  }

  function timeLeft() {
    var now = Date.now();
    document.querySelectorAll('time.expires[data-expires]').forEach(function (t) {
      var left = Math.round((Number(t.dataset.expires) - now) / 1000);
      t.textContent = left <= 0 ? 'expired' : (Math.floor(left / 60) + ' min ' + (left % 60) + ' s left');
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    liveApprovals();
    timeLeft();
    setInterval(timeLeft, 1000);
  });
})();
