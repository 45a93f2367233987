// Launch flow: the home page's button comes here; this page asks the API for a server,
// follows it, and retries by itself when the launcher is full.
(function () {
  'use strict';
  var form = document.getElementById('launch-form');
  if (form) {
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      window.location.assign('/launch');
    });
    return;
  }
  var steps = document.getElementById('launch-steps');
  if (!steps) return;
  var message = document.getElementById('launch-message');
  var title = document.getElementById('launch-title');
  var home = document.getElementById('launch-home');

  function mark(step) {
    var passed = true;
    Array.prototype.forEach.call(steps.children, function (item) {
      var current = item.getAttribute('data-step') === step;
      if (current) passed = false;
      item.className = current ? 'active' : passed ? 'done' : '';
    });
  }

  function fail(heading, text) {
    title.textContent = heading;
    message.textContent = text;
    message.className = 'message error';
    home.hidden = false;
  }

  function retryLater(text, seconds) {
    title.textContent = 'No free servers right now';
    var left = seconds;
    function tick() {
      message.textContent = text + ' Trying again in ' + left + ' s…';
      if (left-- <= 0) { launch(); return; }
      setTimeout(tick, 1000);
    }
    home.hidden = false;
    tick();
  }

  // While the launch is pending, the start queue tells how many people wait; our own request
  // is one of them, and people who came later are too, so the count ahead only ever goes down.
  function watchQueue() {
    var ahead = Infinity;
    var timer = setTimeout(poll, 1000);
    function poll() {
      fetch('/api/launch-queue', { headers: { accept: 'application/json' } })
        .then(function (response) { return response.json(); })
        .then(function (queue) {
          if (timer === null) return;
          if (!(queue.waiting > 0)) {
            if (ahead !== Infinity) message.textContent = 'Your server is starting.';
            return;
          }
          ahead = Math.max(0, Math.min(ahead, queue.waiting - 1));
          message.textContent = 'Waiting for a free slot: ' + (ahead === 0 ? 'you are next' : ahead + (ahead === 1 ? ' person' : ' people') + ' ahead') + '.';
          timer = setTimeout(poll, 1000);
        })
        .catch(function () { /* the launch's own answer says what went wrong */ });
    }
    return function stop() {
      clearTimeout(timer);
      timer = null;
    };
  }

  function launch() {
    title.textContent = 'Starting your notebook server…';
    message.className = 'message';
    message.textContent = '';
    mark('request');
    var startTimer = setTimeout(function () { mark('start'); }, 300);
    var stopWatching = watchQueue();
    fetch('/api/sessions', { method: 'POST', headers: { accept: 'application/json' } })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (body) { return { response: response, body: body }; });
      })
      .then(function (result) {
        clearTimeout(startTimer);
        stopWatching();
        message.textContent = '';
        var body = result.body;
        if (result.response.status === 201) {
          mark('open');
          window.location.assign(body.url + 'tree?token=' + encodeURIComponent(body.token));
          return;
        }
        if (result.response.status === 429) {
          var wait = Number(result.response.headers.get('retry-after')) || 10;
          retryLater(body.message || 'All servers are busy.', wait);
          return;
        }
        fail('Your server could not be started', body.message || 'The launcher answered with status ' + result.response.status + '.');
      })
      .catch(function () {
        clearTimeout(startTimer);
        stopWatching();
        fail('The launcher cannot be reached', 'Check your network connection and reload this page.');
      });
  }

  launch();
})();
