/* Relay policy: the rules, an editor (apply, then confirm within a minute), and "would this be allowed?". */
(function () {
  'use strict';
  var el = ntm.el;
  var loaded = false;
  var lists = [
    { name: 'denyNodes', label: 'Denied nodes', type: 'textarea', help: 'one node name per line (matches the names below it)' },
    { name: 'denyDestinations', label: 'Denied destinations', type: 'textarea', help: 'names or prefixes, one per line' },
    { name: 'allowDestinations', label: 'Allowed destinations', type: 'textarea', help: 'empty: every destination not denied' },
    { name: 'allowedRelays', label: 'Allowed relays', type: 'textarea', help: 'RS-N ids; empty: every relay' },
    { name: 'maxSessionsPerNode', label: 'Sessions per node', help: '0: unlimited' },
    { name: 'maxBytesPerSecondPerNode', label: 'Bytes per second per node', help: '0: unlimited' },
    { name: 'maxPacketsPerSecondPerNode', label: 'Packets per second per node', help: '0: unlimited' },
    { name: 'nodeLimits', label: 'Per-node limits', type: 'textarea', help: "'<node> sessions=<n> bytesPerSecond=<n> packetsPerSecond=<n>'" }
  ];
  var editor = ntm.form('ntm-policy-form', lists, 'Apply', function (values, f) {
    ntm.act('save', values).then(function (j) { ntm.showDone(f, j); poller.now(); }).catch(function (e) { ntm.showError(f, e); });
  });
  var checker = ntm.form('ntm-check-form', [
    { name: 'node', label: 'Node', placeholder: 'home-17.example.net' },
    { name: 'destination', label: 'Destination (name or address)', placeholder: 'www.example.org or 2001:db8::80' },
    { name: 'relay', label: 'Relay id (optional)' }
  ], 'Would this be allowed?', function (values, f) {
    ntm.act('check', values).then(function (j) { ntm.showDone(f, j); f.querySelector('.ntm-result').className = 'ntm-result ' + (j.allowed ? 'ntm-good' : 'ntm-bad'); })
      .catch(function (e) { ntm.showError(f, e); });
  });
  var countdown = el('div', { id: 'ntm-countdown' });
  ntm.root.appendChild(countdown);
  ntm.root.appendChild(el('div', { id: 'ntm-rules-section' }));
  ntm.root.appendChild(el('div', { id: 'ntm-refusals-section' }));
  ntm.root.appendChild(el('div', { 'class': 'ntm-section' }, [el('h2', { text: 'Would this be allowed?' }), checker]));
  ntm.root.appendChild(el('div', { 'class': 'ntm-section' }, [el('h2', { text: 'Edit the policy' }), editor]));

  function button(text, action) {
    return el('button', { type: 'button', id: 'ntm-' + action, text: text, on: { click: function () {
      ntm.act(action, {}).then(function () { poller.now(); }).catch(function (e) { window.alert(e.error || e); });
    } } });
  }

  var poller = ntm.poll(function (d) {
    if (!loaded || d.pending === null && editor.dataset.dirty !== 'yes') {
      lists.forEach(function (l) { var i = editor.querySelector('[name=' + l.name + ']'); if (document.activeElement !== i) { i.value = d.fields[l.name] === null ? '' : d.fields[l.name]; } });
      loaded = true;
    }
    countdown.textContent = '';
    countdown.className = '';
    if (d.pending) {
      countdown.className = 'ntm-countdown';
      countdown.appendChild(document.createTextNode('The last change is applied and will be put back in ' + d.pending.secondsLeft + ' s unless you confirm it. '));
      countdown.appendChild(button('Confirm', 'confirm'));
      countdown.appendChild(document.createTextNode(' '));
      countdown.appendChild(button('Put back now', 'revert'));
    }
    ntm.replace('ntm-rules-section', ntm.section('Rules (deny rules win; checked in this order)' + (d.refusal ? ' \u2013 last write refused: ' + d.refusal : ''), [ntm.table([
      { title: 'Effect', value: function (r) { return r.effect; } },
      { title: 'Applies to', value: function (r) { return r.subject; } },
      { title: 'Entry', value: function (r) { return r.entry; } }
    ], d.rules, 'ntm-rules'), el('p', { text: 'Limits per node: ' + ntm.text(d.fields.maxSessionsPerNode) + ' sessions, ' + ntm.text(d.fields.maxBytesPerSecondPerNode) + ' bytes/s, ' + ntm.text(d.fields.maxPacketsPerSecondPerNode) + ' packets/s (0: unlimited).' + (d.file ? ' Managed by the file ' + d.file + '.' : '') })]));
    ntm.replace('ntm-refusals-section', ntm.section('Recent refusals (newest first)', [ntm.table([
      { title: 'When', value: function (r) { return ntm.when(r.at); } },
      { title: 'Node', value: function (r) { return r.node; } },
      { title: 'Destination', value: function (r) { return r.destination + (r.address && r.address !== r.destination ? ' (' + r.address + ')' : ''); } },
      { title: 'Relay', value: function (r) { return r.relay || '\u2013'; } },
      { title: 'Refused by', value: function (r) { return r.reason; } }
    ], d.refusals, 'ntm-refusals')]));
  });
  editor.addEventListener('input', function () { editor.dataset.dirty = 'yes'; });
  editor.addEventListener('submit', function () { editor.dataset.dirty = ''; });
})();
