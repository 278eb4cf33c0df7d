/* Accounts: the AS's node accounts; add with a generated password (shown once), reset, revoke. */
(function () {
  'use strict';
  var el = ntm.el;
  var search = '';
  var secret = el('div', { id: 'ntm-password', 'class': 'ntm-secret', hidden: 'hidden' });
  var editor = ntm.form('ntm-account-form', [
    { name: 'fqdn', label: 'Node FQDN', placeholder: 'home-1234.subscribers.example.net', help: 'the name the subscriber\'s gateway logs in with (its node PID\'s fqdn)' }
  ], 'Add account', function (values, f) {
    ntm.act('add', values).then(function (j) { ntm.showDone(f, j); showPassword(j); f.reset(); poller.now(); })
      .catch(function (e) { ntm.showError(f, e); });
  });
  var box = el('input', { id: 'ntm-accounts-search', placeholder: 'filter: FQDN, node id', on: { input: function (e) { search = e.target.value; poller.now(); } } });
  ntm.root.appendChild(el('div', { 'class': 'ntm-section' }, [el('h2', { text: 'Add an account' }), editor, secret]));
  ntm.root.appendChild(el('div', null, [box]));
  ntm.root.appendChild(el('div', { id: 'ntm-accounts-section' }));

  /* the password exists only in this answer: the gateway keeps its derived key, not the password */
  function showPassword(j) {
    secret.textContent = '';
    secret.appendChild(el('strong', { text: 'Password for ' + j.fqdn + ': ' }));
    secret.appendChild(el('code', { id: 'ntm-password-value', text: j.password }));
    secret.appendChild(el('div', { text: 'Shown this once: the gateway keeps only a key derived from it. Give it to the subscriber\'s gateway ' +
      '(PID org.ntmgate.node, field password) now.' }));
    secret.appendChild(el('button', { type: 'button', text: 'Hide', on: { click: function () { secret.textContent = ''; secret.hidden = true; } } }));
    secret.hidden = false;
  }

  function act(action, a, question) {
    if (!window.confirm(question)) { return; }
    ntm.clearErrors(editor);
    ntm.act(action, { fqdn: a.fqdn }).then(function (j) { ntm.showDone(editor, j); if (j.password) { showPassword(j); } else { secret.textContent = ''; secret.hidden = true; } poller.now(); })
      .catch(function (e) { ntm.showError(editor, e.field === 'fqdn' ? { error: e.error } : e); });
  }

  function registered(a) {
    if (a.registered === null) { return 'no DC runs here'; }
    return a.registered ? 'registered, seen ' + ntm.duration(a.lastSeenSecondsAgo) + ' ago (' + a.virtualV6 + ')' : 'not registered';
  }

  var poller = ntm.poll(function (d) {
    var title = 'Node accounts (' + d.accountsMatching + (d.accountsMatching !== d.total ? ' of ' + d.total : '') + ')' +
      (d.asRunning ? '' : ': no Account Server runs here');
    var rows = [ntm.table([
      { title: 'FQDN', value: function (a) { return a.fqdn; } },
      { title: 'Node id', value: function (a) { return a.id; } },
      { title: 'Created', value: function (a) { return ntm.when(a.created); } },
      { title: 'Last login', value: function (a) { return a.lastLogin ? ntm.when(a.lastLogin) : 'never'; } },
      { title: 'Now', value: function (a) { return (a.enabled ? '' : 'disabled; ') + registered(a); } },
      { title: 'Defined by', value: function (a) { return a.source + (a.refusal ? ' \u2013 last write refused: ' + a.refusal : ''); } },
      { title: '', value: function (a) {
        return a.file ? 'managed by its file' : el('span', null, [
          el('button', { type: 'button', 'class': 'ntm-reset', text: 'Reset password', on: { click: function () {
            act('reset', a, 'Give ' + a.fqdn + ' a new password? The old one stops working and its tunnels on this gateway close.'); } } }), ' ',
          el('button', { type: 'button', 'class': 'ntm-revoke', text: 'Revoke', on: { click: function () {
            act('revoke', a, 'Revoke ' + a.fqdn + '? It can no longer log in; its registration ends and its tunnels close.'); } } })]);
      } }
    ], d.accounts, 'ntm-accounts')];
    if (d.notServing.length > 0) {
      rows.push(el('h3', { text: 'Account configurations not serving' }));
      rows.push(ntm.table([
        { title: 'Configuration', value: function (c) { return c.pid; } },
        { title: 'FQDN', value: function (c) { return c.fqdn; } },
        { title: 'Refusal', value: function (c) { return c.refusal; } }
      ], d.notServing, 'ntm-accounts-refused'));
    }
    ntm.replace('ntm-accounts-section', ntm.section(title, rows));
  }, function () { return { q: search }; });
})();
