// The fields of the workshop forms (web/organizer-workshop-fields.html), shared by the create
// form and the edit form: where each input sits in the API's workshop JSON (docs/api.md), a form
// read into a request body, a form filled in from a workshop, and an edit as a PATCH body.
// A new setting is one entry in `fields` and one input in the fields template.
(function () {
  'use strict';

  /** name: the input's name; path: where its value sits in the workshop JSON; kind: text, time (datetime-local) or number. */
  var fields = [
    { name: 'title', path: ['title'], kind: 'text' },
    { name: 'startsAt', path: ['startsAt'], kind: 'time' },
    { name: 'endsAt', path: ['endsAt'], kind: 'time' },
    { name: 'memoryMb', path: ['limits', 'memoryMb'], kind: 'number' },
    { name: 'cpus', path: ['limits', 'cpus'], kind: 'number' },
    { name: 'warmServers', path: ['warmServers'], kind: 'number' },
  ];

  function pad(number) { return String(number).padStart(2, '0'); }

  /** An ISO time as a datetime-local input shows it: the browser's local time, to the minute. */
  function localInputValue(iso) {
    var date = new Date(iso);
    if (isNaN(date.getTime())) return '';
    return date.getFullYear() + '-' + pad(date.getMonth() + 1) + '-' + pad(date.getDate()) + 'T' + pad(date.getHours()) + ':' + pad(date.getMinutes());
  }

  function getPath(object, path) {
    var value = object;
    for (var i = 0; i < path.length && value != null; i += 1) value = value[path[i]];
    return value;
  }

  function setPath(object, path, value) {
    var inner = object;
    for (var i = 0; i < path.length - 1; i += 1) inner = inner[path[i]] = inner[path[i]] || {};
    inner[path[path.length - 1]] = value;
  }

  function input(form, name) { return form.elements.namedItem(name); }

  function text(form, name) {
    var element = input(form, name);
    return element ? element.value.trim() : '';
  }

  /** A field's value as the form shows it, for a value of the workshop JSON. */
  function shown(field, value) {
    if (value == null) return '';
    return field.kind === 'time' ? localInputValue(value) : String(value);
  }

  /** A field's value for the API; undefined for an empty optional field. */
  function valueOf(form, field) {
    var raw = text(form, field.name);
    if (field.kind === 'time') {
      var date = new Date(raw);  // a datetime-local value is the browser's local time
      if (!raw || isNaN(date.getTime())) throw new Error('Give the start and end times.');
      return date.toISOString();
    }
    if (raw === '') return undefined;
    return field.kind === 'number' ? Number(raw) : raw;
  }

  /** The repo inputs as the API's `repo`, or null without a URL. */
  function repoOf(form) {
    var url = text(form, 'repoUrl');
    if (!url) return null;
    var repo = { url: url };
    if (text(form, 'repoRef')) repo.ref = text(form, 'repoRef');
    if (text(form, 'repoFile')) repo.file = text(form, 'repoFile');
    return repo;
  }

  /** The form as a create (POST) body; empty optional fields are left out, so the launcher's defaults apply. */
  function read(form) {
    var body = {};
    fields.forEach(function (field) {
      if (!input(form, field.name)) return;
      var value = valueOf(form, field);
      if (value !== undefined) setPath(body, field.path, value);
    });
    var repo = repoOf(form);
    if (repo) body.repo = repo;
    return body;
  }

  /** Fills the form in from a workshop as the API answers it. */
  function fill(form, workshop) {
    fields.forEach(function (field) {
      var element = input(form, field.name);
      if (element) element.value = shown(field, getPath(workshop, field.path));
    });
    var repo = workshop.repo || {};
    input(form, 'repoUrl').value = repo.url || '';
    input(form, 'repoRef').value = repo.ref || '';
    input(form, 'repoFile').value = repo.file || '';
  }

  /**
   * What the form changes in `workshop`, as a PATCH body: only the fields that differ from what
   * `fill` showed (a time is shown to the minute, so an untouched one keeps its seconds). An
   * emptied number keeps its value; an emptied repository URL removes the repo (`"repo": null`).
   */
  function changes(form, workshop) {
    var patch = {};
    fields.forEach(function (field) {
      if (!input(form, field.name) || text(form, field.name) === shown(field, getPath(workshop, field.path))) return;
      var value = valueOf(form, field);
      if (value !== undefined) setPath(patch, field.path, value);
    });
    var repo = repoOf(form);
    var current = workshop.repo;
    if (!repo) {
      if (current) patch.repo = null;
    } else if (!current || repo.url !== current.url || (repo.ref || 'HEAD') !== current.ref || (repo.file || '') !== (current.file || '')) {
      patch.repo = repo;
    }
    return patch;
  }

  window.nblaunchWorkshopForm = { read: read, fill: fill, changes: changes };
})();
