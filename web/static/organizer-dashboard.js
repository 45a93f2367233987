// The organizer dashboard: the workshop list and create form, and one workshop's page (its
// attendees, import, links, end, edit and delete). Everything goes through the REST API
// (docs/api.md) with the session's CSRF token; the workshop forms' fields are in workshop-form.js.
(function () {
  'use strict';

  var workshopForm = window.nblaunchWorkshopForm;

  function byId(id) { return document.getElementById(id); }

  function showError(element, message) {
    element.textContent = message;
    element.hidden = !message;
  }

  function when(iso) {
    if (!iso) return '—';
    var date = new Date(iso);
    return isNaN(date.getTime()) ? iso : date.toLocaleString();
  }

  /** Calls the API; resolves to the parsed JSON (or the raw response for `raw`), rejects with the API's message. */
  function api(csrf, method, path, body, options) {
    options = options || {};
    var headers = { accept: 'application/json', 'x-csrf-token': csrf };
    var init = { method: method, headers: headers, credentials: 'same-origin' };
    if (body !== undefined) {
      headers['content-type'] = options.contentType || 'application/json';
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    return fetch(path, init).then(function (response) {
      if (!response.ok) {
        return response.json().catch(function () { return {}; }).then(function (problem) {
          var error = new Error(problem.message || ('The launcher answered ' + response.status + '.'));
          error.reason = problem.reason;
          throw error;
        });
      }
      if (options.raw) return response;
      if (response.status === 204) return null;
      return response.json();
    }, function () {
      throw new Error('The launcher cannot be reached. Check your connection and try again.');
    });
  }

  /** A workshop's warm-up in a few words (docs/api.md, "Warm-up"). */
  function warmupSummary(warmup) {
    var servers = warmup.servers.running + ' of ' + warmup.servers.wanted + ' servers warm';
    switch (warmup.state) {
      case 'scheduled': return 'begins ' + when(warmup.beginsAt);
      case 'building': return 'building the image';
      case 'warming': return 'warming: ' + servers;
      case 'ready': return 'ready: ' + servers;
      case 'failed': return 'failed';
      default: return 'over';
    }
  }

  function cell(row, text, className) {
    var td = document.createElement('td');
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  // ---- The list of workshops, and the create form ----
  var dashboard = byId('dashboard');
  if (dashboard) {
    var csrf = dashboard.dataset.csrf;
    var listError = byId('dashboard-error');

    var loadWorkshops = function () {
      api(csrf, 'GET', '/api/workshops').then(function (answer) {
        var rows = byId('workshop-rows');
        rows.textContent = '';
        if (answer.workshops.length === 0) {
          var empty = document.createElement('tr');
          cell(empty, 'No workshops yet: create one below.', 'muted').colSpan = 6;
          rows.appendChild(empty);
        }
        answer.workshops.forEach(function (workshop) {
          var row = document.createElement('tr');
          row.dataset.slug = workshop.slug;
          var title = cell(row, '');
          var link = document.createElement('a');
          link.href = '/organizer/workshops/' + encodeURIComponent(workshop.slug);
          link.textContent = workshop.title;
          title.appendChild(link);
          cell(row, workshop.link);
          cell(row, when(workshop.startsAt));
          cell(row, when(workshop.endsAt));
          cell(row, workshop.endedAt ? 'ended' : workshop.mode);
          cell(row, warmupSummary(workshop.warmup), 'warmup');
          rows.appendChild(row);
        });
        showError(listError, '');
      }).catch(function (error) { showError(listError, error.message); });
    };

    byId('create-workshop-form').addEventListener('submit', function (event) {
      event.preventDefault();
      var createError = byId('create-error');
      var body;
      try {
        body = workshopForm.read(event.target);
      } catch (error) {
        showError(createError, error.message);
        return;
      }
      body.slug = byId('create-slug').value.trim();
      showError(createError, '');
      api(csrf, 'POST', '/api/workshops', body).then(function (workshop) {
        window.location.href = '/organizer/workshops/' + encodeURIComponent(workshop.slug);
      }).catch(function (error) { showError(createError, error.message); });
    });

    // After a delete, the workshop page comes back here with ?deleted=<slug>.
    var deleted = new URLSearchParams(window.location.search).get('deleted');
    if (deleted) {
      showError(byId('dashboard-notice'), 'The workshop "' + deleted + '" was deleted, with its attendees and their links.');
      window.history.replaceState(null, '', window.location.pathname);
    }
    var loadPools = function () {
      Promise.all([api(csrf, 'GET', '/api/pools'), api(csrf, 'GET', '/api/launch-queue')]).then(function (answers) {
        var pools = answers[0];
        var queue = answers[1];
        var rows = byId('pool-rows');
        rows.textContent = '';
        var keys = Object.keys(pools).sort();
        if (keys.length === 0) {
          var none = document.createElement('tr');
          cell(none, 'No warm pools (pool.size, pool.repos, and workshops warming up make them).', 'muted').colSpan = 5;
          rows.appendChild(none);
        }
        keys.forEach(function (key) {
          var pool = pools[key];
          var row = document.createElement('tr');
          row.dataset.pool = key;
          cell(row, key);
          cell(row, pool.image || 'not built yet');
          cell(row, String(pool.ready), 'ready');
          cell(row, String(pool.starting));
          cell(row, String(pool.size), 'size');
          rows.appendChild(row);
        });
        byId('start-queue').textContent = 'Server starts now: ' + queue.running + ' running, ' + queue.waiting + ' waiting.';
      }).catch(function (error) { showError(listError, error.message); });
    };

    loadWorkshops();
    loadPools();
    setInterval(loadPools, 5000);
    setInterval(loadWorkshops, 10000);
  }

  // ---- One workshop ----
  var page = byId('workshop-dashboard');
  if (!page) return;
  var token = page.dataset.csrf;
  var slug = page.dataset.slug;
  var base = '/api/workshops/' + encodeURIComponent(slug);
  var errorBox = byId('ws-error');
  var notice = byId('ws-notice');
  var busy = {};
  var editForm = byId('edit-workshop-form');
  var current = null;  // the workshop as last loaded: what the edit form changes

  function say(message) {
    notice.textContent = message;
    notice.hidden = !message;
  }

  function isOver(workshop) {
    return !!workshop.endedAt || Date.now() >= Date.parse(workshop.endsAt);
  }

  function setupText(workshop) {
    var repo = workshop.repo;
    var image = repo
      ? 'Repository ' + repo.url + ' at ' + repo.ref + (repo.file ? ', opening ' + repo.file : '')
      : 'The launcher\'s default image';
    var cpus = workshop.limits.cpus;
    return image + '; ' + workshop.limits.memoryMb + ' MB of memory and ' + cpus + (cpus === 1 ? ' CPU' : ' CPUs') + ' per server.';
  }

  function showWarmup(workshop) {
    var warmup = workshop.warmup;
    byId('warmup-state').textContent = warmupSummary(warmup);
    var detail = [];
    if (warmup.state === 'scheduled') detail.push('The image is built and ' + warmup.servers.wanted + ' servers are warmed from then on (or now, with the button).');
    if (warmup.image) detail.push('Image: ' + warmup.image + '.');
    if (warmup.message) detail.push(warmup.message);
    byId('warmup-detail').textContent = detail.join(' ');
    byId('warm-now').disabled = isOver(workshop);
  }

  /** Shows the workshop; the edit form is filled in only when asked, so a reload does not undo what the organizer is typing. */
  function loadWorkshop(fillForm) {
    return api(token, 'GET', base).then(function (workshop) {
      current = workshop;
      if (fillForm) workshopForm.fill(editForm, workshop);
      byId('ws-title').textContent = workshop.title;
      document.title = workshop.title + ' · nblaunch';
      byId('ws-times').textContent = when(workshop.startsAt) + ' – ' + when(workshop.endsAt) + (workshop.endedAt ? ' (ended ' + when(workshop.endedAt) + ')' : '');
      byId('ws-link').value = workshop.link;
      byId('ws-mode').textContent = workshop.endedAt
        ? 'This workshop has ended: its links no longer sign anyone in.'
        : workshop.mode === 'registered'
          ? 'Registered attendees: the link asks people to sign in with their personal link.'
          : 'No attendees registered yet: anyone opening the link gets a temporary server.';
      byId('ws-setup').textContent = setupText(workshop);
      byId('ws-code').textContent = workshop.accessCode || 'none: personal links only';
      byId('code-off').disabled = !workshop.accessCode;
      showWarmup(workshop);
      byId('end-workshop').disabled = !!workshop.endedAt;
      byId('delete-volumes').disabled = !isOver(workshop);
      byId('delete-volumes').title = isOver(workshop) ? '' : 'End the workshop first: its attendees\' files are in use until then.';
    });
  }

  function act(attendee, label, action) {
    var key = attendee.id + ':' + label;
    if (busy[key]) return;
    busy[key] = true;
    showError(errorBox, '');
    action().catch(function (error) { showError(errorBox, error.message); })
      .then(function () { delete busy[key]; return loadAttendees(); });
  }

  function button(label, onClick, name) {
    var element = document.createElement('button');
    element.type = 'button';
    element.className = 'small';
    element.textContent = label;
    element.dataset.action = name;
    element.addEventListener('click', onClick);
    return element;
  }

  function serverCall(attendee, what) {
    return api(token, 'POST', base + '/attendees/' + encodeURIComponent(attendee.id) + '/server/' + what);
  }

  function renderAttendees(attendees) {
    var totals = { 'never-started': 0, starting: 0, running: 0, stopped: 0 };
    var rows = byId('attendee-rows');
    rows.textContent = '';
    attendees.forEach(function (attendee) {
      var status = attendee.server ? attendee.server.status : 'never-started';
      if (totals[status] !== undefined) totals[status] += 1;
      var row = document.createElement('tr');
      row.dataset.email = attendee.email;
      row.dataset.id = attendee.id;
      cell(row, attendee.name);
      var email = cell(row, attendee.email, 'email');
      if (attendee.claimedAt) {
        // Someone signed in as this attendee: the workshop code no longer does until the link is re-issued.
        var claimed = document.createElement('span');
        claimed.className = 'muted claimed';
        claimed.title = 'Signed in since ' + when(attendee.claimedAt) + ': the workshop code no longer signs in as this attendee; re-issuing the link releases the seat.';
        claimed.textContent = ' (claimed)';
        email.appendChild(claimed);
      }
      cell(row, attendee.group || '');
      var shown = attendee.revokedAt ? 'removed' : status.replace('-', ' ');
      cell(row, shown, 'status status-' + status).dataset.status = attendee.revokedAt ? 'removed' : status;
      cell(row, when(attendee.server && attendee.server.lastActivity));
      var actions = cell(row, '');
      if (!attendee.revokedAt) {
        actions.appendChild(button('Open', function () {
          // Opened right away, so the browser does not block it as a pop-up; filled in once started.
          var tab = window.open('about:blank', '_blank');
          act(attendee, 'open', function () {
            return serverCall(attendee, 'start').then(function (answer) {
              var target = answer.open || answer.url + '?token=' + encodeURIComponent(answer.token);
              if (tab) tab.location.href = target; else window.location.href = target;
            }, function (error) { if (tab) tab.close(); throw error; });
          });
        }, 'open'));
        actions.appendChild(button('Stop', function () {
          act(attendee, 'stop', function () { return serverCall(attendee, 'stop'); });
        }, 'stop'));
        actions.appendChild(button('Restart', function () {
          act(attendee, 'restart', function () { return serverCall(attendee, 'restart'); });
        }, 'restart'));
      }
      actions.appendChild(button('Re-issue link', function () {
        if (!window.confirm('Re-issue the link of ' + attendee.name + '? Their current link stops working.')) return;
        act(attendee, 'reissue', function () {
          return api(token, 'POST', base + '/attendees/' + encodeURIComponent(attendee.id) + '/reissue').then(function (answer) {
            byId('reissued-name').textContent = attendee.name;
            byId('reissued-value').value = answer.link;
            byId('reissued-link').hidden = false;
          });
        });
      }, 'reissue'));
      if (!attendee.revokedAt) {
        actions.appendChild(button('Remove', function () {
          if (!window.confirm('Remove ' + attendee.name + '? Their link stops working and their server stops; their files stay.')) return;
          act(attendee, 'remove', function () {
            return api(token, 'DELETE', base + '/attendees/' + encodeURIComponent(attendee.id));
          });
        }, 'remove'));
      }
      rows.appendChild(row);
    });
    byId('total-attendees').textContent = String(attendees.length);
    Object.keys(totals).forEach(function (status) { byId('total-' + status).textContent = String(totals[status]); });
  }

  var loading = null;
  var drawn = null;
  var pollFailed = false;  // a refresh's own error is cleared by the next refresh; an action's stays
  function loadAttendees() {
    if (loading) return loading;
    loading = api(token, 'GET', base + '/attendees')
      .then(function (answer) {
        // Redraw only on a change, so a button is not replaced under the organizer's pointer.
        var text = JSON.stringify(answer.attendees);
        if (text !== drawn) renderAttendees(answer.attendees);
        drawn = text;
        if (pollFailed) showError(errorBox, '');
        pollFailed = false;
      })
      .catch(function (error) { pollFailed = true; showError(errorBox, error.message); })
      .then(function () { loading = null; });
    return loading;
  }

  byId('ws-copy').addEventListener('click', function () {
    var link = byId('ws-link').value;
    if (navigator.clipboard) navigator.clipboard.writeText(link).then(function () { say('Link copied.'); }, function () {});
  });

  byId('import-form').addEventListener('submit', function (event) {
    event.preventDefault();
    var file = byId('import-file').files[0];
    var read = file ? file.text() : Promise.resolve(byId('import-text').value);
    read.then(function (text) {
      if (!text.trim()) throw new Error('Choose a CSV file or paste a list first.');
      // A CSV (a comma, semicolon or tab on a line) goes as text/csv; "Name <email>" lines as text/plain.
      var csv = file || /^[^\n<]*[,;\t]/m.test(text) && !/<[^>\s]+@[^>\s]+>/.test(text);
      return api(token, 'POST', base + '/attendees', text, { contentType: csv ? 'text/csv' : 'text/plain' });
    }).then(function (answer) {
      byId('import-counts').textContent = 'Imported ' + answer.imported + ', updated ' + answer.updated + ', unchanged ' + answer.unchanged + ', ' + answer.errors.length + (answer.errors.length === 1 ? ' row' : ' rows') + ' with errors.';
      var rows = byId('import-error-rows');
      rows.textContent = '';
      answer.errors.forEach(function (problem) {
        var row = document.createElement('tr');
        cell(row, String(problem.line));
        cell(row, problem.text);
        cell(row, problem.reason);
        rows.appendChild(row);
      });
      byId('import-errors').hidden = answer.errors.length === 0;
      byId('import-result').hidden = false;
      showError(errorBox, '');
      byId('import-form').reset();
      loadWorkshop().catch(function () {});
      return loadAttendees();
    }).catch(function (error) { showError(errorBox, error.message); });
  });

  byId('download-links').addEventListener('click', function () {
    if (!window.confirm('Downloading the links re-issues every attendee\'s link: every link sent before stops working, and attendees signed in must sign in again. Go on?')) return;
    api(token, 'GET', base + '/links?reissue=true', undefined, { raw: true })
      .then(function (response) { return response.blob(); })
      .then(function (blob) {
        var url = URL.createObjectURL(blob);
        var link = document.createElement('a');
        link.href = url;
        link.download = slug + '-links.csv';
        document.body.appendChild(link);
        link.click();
        link.remove();
        setTimeout(function () { URL.revokeObjectURL(url); }, 60000);
        say('New personal links downloaded; the old ones no longer work.');
      })
      .catch(function (error) { showError(errorBox, error.message); });
  });

  byId('end-workshop').addEventListener('click', function () {
    if (!window.confirm('End the workshop now? Every running server stops and the links stop signing people in. The files stay.')) return;
    api(token, 'POST', base + '/end').then(function (answer) {
      say('The workshop has ended; ' + (answer.serversStopped || 0) + ' servers stopped.');
      loadWorkshop().catch(function () {});
      return loadAttendees();
    }).catch(function (error) { showError(errorBox, error.message); });
  });

  editForm.addEventListener('submit', function (event) {
    event.preventDefault();
    var editError = byId('edit-error');
    var editNotice = byId('edit-notice');
    showError(editNotice, '');
    if (!current) {
      showError(editError, 'The workshop could not be loaded, so there is nothing to change. Reload the page.');
      return;
    }
    var patch;
    try {
      patch = workshopForm.changes(editForm, current);
    } catch (error) {
      showError(editError, error.message);
      return;
    }
    if (Object.keys(patch).length === 0) {
      showError(editError, '');
      showError(editNotice, 'Nothing to save: the form shows the workshop as it is.');
      return;
    }
    api(token, 'PATCH', base, patch).then(function () {
      showError(editError, '');
      showError(editNotice, 'Saved.');
      return loadWorkshop(true);
    }).catch(function (error) { showError(editError, error.message); });
  });

  var deleteError = byId('delete-error');
  var deleteNotice = byId('delete-notice');

  byId('delete-volumes').addEventListener('click', function () {
    if (!window.confirm('Delete the files of every attendee of this workshop? This cannot be undone: export their work first.')) return;
    showError(deleteNotice, '');
    api(token, 'DELETE', base + '/volumes').then(function (answer) {
      showError(deleteError, '');
      showError(deleteNotice, 'Deleted the files of ' + answer.volumesDeleted + (answer.volumesDeleted === 1 ? ' attendee.' : ' attendees.'));
      return loadAttendees();
    }).catch(function (error) { showError(deleteError, error.message); });
  });

  byId('delete-workshop').addEventListener('click', function () {
    if (!window.confirm('Delete the workshop "' + slug + '" with its attendees and their links? This cannot be undone.')) return;
    showError(deleteNotice, '');
    api(token, 'DELETE', base).then(function () {
      window.location.href = '/organizer?deleted=' + encodeURIComponent(slug);
    }).catch(function (error) {
      // The API's message names API paths; here the same steps are buttons on this page.
      showError(deleteError, error.reason === 'volumes-remain'
        ? 'The workshop "' + slug + '" still holds its attendees\' files. First "End workshop", then "Export everyone\'s work" to keep a copy, then "Delete everyone\'s files"; then the workshop can be deleted.'
        : error.message);
    });
  });

  byId('code-new').addEventListener('click', function () {
    if (current && current.accessCode && !window.confirm('Make a new workshop code? The current one stops working (people signed in stay signed in).')) return;
    api(token, 'POST', base + '/access-code').then(function (workshop) {
      say('New workshop code: ' + workshop.accessCode + '.');
      return loadWorkshop();
    }).catch(function (error) { showError(errorBox, error.message); });
  });

  byId('code-off').addEventListener('click', function () {
    api(token, 'DELETE', base + '/access-code').then(function () {
      say('The workshop code is off: attendees sign in with their personal links only.');
      return loadWorkshop();
    }).catch(function (error) { showError(errorBox, error.message); });
  });

  byId('warm-now').addEventListener('click', function () {
    api(token, 'POST', base + '/warm').then(function () {
      say('Warm-up started: the image is built if needed, then servers are warmed.');
      return loadWorkshop();
    }).catch(function (error) { showError(errorBox, error.message); });
  });

  loadWorkshop(true).then(function () {
    loadAttendees();
    setInterval(loadAttendees, 2500);
    // The warm-up moves on by itself (building, warming, ready).
    setInterval(function () { loadWorkshop().catch(function () {}); }, 5000);
  }).catch(function (error) { showError(errorBox, error.message); });
})();
