// casebench: a little JavaScript on top of pages that work without it.
(function () {
  'use strict';

  function autosave(form) {
    var state = document.getElementById('save-state');
    var version = form.querySelector('input[name=version]');
    var timer = null, inflight = false, pending = false, stopped = false;

    function show(msg, cls) {
      if (!state) return;
      state.textContent = msg;
      state.className = 'save-state ' + (cls || '');
    }
    function token() {
      var i = form.querySelector('input[name=_csrf]');
      return i ? i.value : '';
    }
    function clearErrors() {
      form.querySelectorAll('.field-error.js').forEach(function (e) { e.remove(); });
    }
    function markErrors(fields) {
      clearErrors();
      Object.keys(fields || {}).forEach(function (key) {
        var parts = key.split('.');
        var el = document.getElementById('field-' + parts.slice(0, 2).join('.')) ||
                 (key === 'title' ? form.querySelector('.title-field') : null);
        if (!el) return;
        var span = document.createElement('span');
        span.className = 'field-error js';
        span.setAttribute('role', 'alert');
        span.textContent = (parts.length > 2 ? 'row ' + (Number(parts[2]) + 1) + ', ' + parts[3] + ': ' : '') + fields[key];
        el.appendChild(span);
      });
    }
    function schedule(ms) {
      clearTimeout(timer);
      timer = setTimeout(save, ms || 1200);
    }
    function save() {
      timer = null;
      if (stopped) return;
      if (inflight) { pending = true; return; }
      inflight = true;
      pending = false;
      show('Saving…', 'saving');
      var body = new URLSearchParams(new FormData(form));
      fetch(form.action, {
        method: 'POST', body: body, credentials: 'same-origin',
        headers: { 'Accept': 'application/json', 'X-CSRF-Token': token() }
      }).then(function (r) {
        return r.json().catch(function () { return {}; }).then(function (j) { return { status: r.status, body: j }; });
      }).then(function (res) {
        inflight = false;
        if (res.status === 200) {
          version.value = res.body.version;
          clearErrors();
          show('Saved at ' + new Date(res.body.saved_at).toLocaleTimeString(), 'ok');
          if (pending) schedule(200);
        } else if (res.status === 409) {
          stopped = true;
          show(res.body.error || 'This design changed elsewhere. Reload the page.', 'conflict');
        } else if (res.status === 422) {
          markErrors(res.body.fields);
          show('Not saved: ' + (res.body.error || 'some fields need attention.'), 'error');
        } else if (res.status === 401 || res.status === 403) {
          stopped = true;
          show('Not saved: your session has ended or expired. Copy your text, log in again, and reload.', 'error');
        } else {
          show('Not saved (' + res.status + '): ' + (res.body.error || 'the server did not answer') + ' Retrying…', 'error');
          schedule(5000);
        }
      }).catch(function () {
        inflight = false;
        show('Offline: not saved yet. Retrying…', 'error');
        schedule(5000);
      });
    }
    function changed() {
      if (stopped) return;
      show('Unsaved changes', 'pending');
      schedule();
    }
    form.addEventListener('input', changed);
    form.addEventListener('change', changed);
    form.addEventListener('submit', function () { clearTimeout(timer); stopped = true; });
    window.addEventListener('beforeunload', function (e) {
      if ((timer || inflight) && !stopped) { save(); e.preventDefault(); e.returnValue = ''; }
    });
  }

  function addRows() {
    document.querySelectorAll('[data-add-row]').forEach(function (btn) {
      var table = document.querySelector('table[data-list="' + btn.getAttribute('data-add-row') + '"]');
      if (!table) return;
      btn.hidden = false;
      btn.addEventListener('click', function () {
        var rows = table.tBodies[0].rows;
        var last = rows[rows.length - 1];
        var next = Number(last.getAttribute('data-row')) + 1;
        var row = last.cloneNode(true);
        row.setAttribute('data-row', next);
        row.querySelectorAll('input, select').forEach(function (el) {
          el.name = el.name.replace(/\.\d+\.([a-z_]+)$/, '.' + next + '.$1');
          el.value = '';
        });
        row.querySelectorAll('.field-error').forEach(function (e) { e.remove(); });
        table.tBodies[0].appendChild(row);
        var first = row.querySelector('input, select');
        if (first) first.focus();
      });
    });
  }

  document.addEventListener('DOMContentLoaded', function () {
    var form = document.querySelector('form[data-autosave]');
    if (form) autosave(form);
    addRows();
  });
})();
