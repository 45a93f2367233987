// The home page's "Share a repository" form: asks the launcher for the link and badge snippets.
(function () {
  'use strict';
  var form = document.getElementById('share-form');
  if (!form) return;
  var error = document.getElementById('share-error');
  var result = document.getElementById('share-result');

  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var query = new URLSearchParams(new FormData(form));
    error.hidden = true;
    fetch('/api/repo-link?' + query.toString(), { headers: { accept: 'application/json' } })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) {
          result.hidden = true;
          error.textContent = answer.body.message || 'That did not work.';
          error.hidden = false;
          return;
        }
        var link = document.getElementById('share-link');
        link.href = answer.body.link;
        link.textContent = answer.body.link;
        document.getElementById('share-markdown').value = answer.body.markdown;
        document.getElementById('share-html').value = answer.body.html;
        result.hidden = false;
      })
      .catch(function () {
        error.textContent = 'The launcher cannot be reached.';
        error.hidden = false;
      });
  });

  document.getElementById('share-copy').addEventListener('click', function () {
    var link = document.getElementById('share-link').href;
    if (navigator.clipboard) navigator.clipboard.writeText(link);
  });
})();
