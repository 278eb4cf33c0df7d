/* Pools: usage, leases (search, pages), add / edit / remove with the refusal next to its field. */
(function () {
  'use strict';
  var el = ntm.el;
  var search = '';
  var offset = 0;
  var LIMIT = 100;
  var fields = [
    { name: 'name', label: 'Name', placeholder: 'node-v4-extra', help: 'lower-case letters, digits, -' },
    { name: 'prefix', label: 'Prefix', placeholder: '10.203.0.0/16 or fd00:1::/64' },
    { name: 'purpose', label: 'Purpose', type: 'select', options: ['NODE', 'GENERAL_NODE'] },
    { name: 'leaseTimeSeconds', label: 'Lease time (seconds)', value: '3600', help: '60 to 2592000' },
    { name: 'pid', label: 'Configuration', type: 'hidden' }
  ];
  var editor = ntm.form('ntm-pool-form', fields, 'Save pool', function (values, f) {
    ntm.act('save', values).then(function (j) { ntm.showDone(f, j); f.reset(); f.querySelector('[name=pid]').value = ''; title.textContent = 'Add a pool'; poller.now(); })
      .catch(function (e) { ntm.showError(f, e); });
  });
  var title = el('h2', { text: 'Add a pool' });
  var box = el('input', { id: 'ntm-lease-search', placeholder: 'search leases by owner or address', on: { input: function (e) { search = e.target.value; offset = 0; poller.now(); } } });
  ntm.root.appendChild(el('div', { id: 'ntm-pools-section' }));
  ntm.root.appendChild(el('div', { 'class': 'ntm-section', id: 'ntm-pool-editor' }, [title, editor]));
  ntm.root.appendChild(el('div', { 'class': 'ntm-section' }, [el('h2', { text: 'Leases' }), box]));
  ntm.root.appendChild(el('div', { id: 'ntm-leases-section' }));

  function edit(p) {
    ntm.clearErrors(editor);
    ['name', 'prefix', 'purpose', 'leaseTimeSeconds', 'pid'].forEach(function (k) { editor.querySelector('[name=' + k + ']').value = p[k] === null ? '' : p[k]; });
    title.textContent = 'Edit pool ' + p.name;
  }

  function remove(p) {
    if (!window.confirm('Remove pool ' + p.name + ' (' + p.prefix + ')? Its live leases stay until they expire.')) { return; }
    ntm.act('remove', { pid: p.pid }).then(function (j) { ntm.showDone(editor, j); poller.now(); }).catch(function (e) { ntm.showError(editor, e); });
  }

  function usage(p) {
    if (p.size === undefined || p.size === null) { return '\u2013'; }
    var size = Number(p.size);
    var pct = size > 0 ? Math.min(100, p.used * 100 / size) : 0;
    return el('span', null, [el('span', { 'class': 'ntm-bar', title: pct.toFixed(2) + ' %' }, [el('span', { style: 'width:' + Math.max(pct, p.used > 0 ? 1 : 0) + '%' })]), ' ' + pct.toFixed(pct < 1 ? 3 : 1) + ' %']);
  }

  var poller = ntm.poll(function (d) {
    ntm.replace('ntm-pools-section', ntm.section('Pools', [ntm.table([
      { title: 'Name', value: function (p) { return p.name; } },
      { title: 'Prefix', value: function (p) { return p.prefix; } },
      { title: 'Purpose', value: function (p) { return p.purpose; } },
      { title: 'Size', value: function (p) { return p.size; } },
      { title: 'Used', value: function (p) { return p.used; } },
      { title: 'Free', value: function (p) { return p.free; } },
      { title: 'Usage', value: usage },
      { title: 'Lease time', value: function (p) { return ntm.duration(p.leaseTimeSeconds); } },
      { title: 'State', value: function (p) { return p.state + (p.refusal ? ' \u2013 last write refused: ' + p.refusal : '') + (p.file ? ' (file ' + p.file + ')' : ''); } },
      { title: '', value: function (p) {
        return p.file || !p.pid ? 'managed by its file' : el('span', null, [
          el('button', { type: 'button', 'class': 'ntm-edit', text: 'Edit', on: { click: function () { edit(p); } } }), ' ',
          el('button', { type: 'button', 'class': 'ntm-remove', text: 'Remove', on: { click: function () { remove(p); } } })]);
      } }
    ], d.pools, 'ntm-pools')]));
    var pager = el('span', { 'class': 'ntm-pager' }, [
      el('button', { type: 'button', text: '\u2190 previous', disabled: offset === 0 ? 'disabled' : null, on: { click: function () { offset = Math.max(0, offset - LIMIT); poller.now(); } } }),
      ' ' + (d.leasesMatching === 0 ? 0 : offset + 1) + '\u2013' + Math.min(offset + LIMIT, d.leasesMatching) + ' of ' + d.leasesMatching + ' ',
      el('button', { type: 'button', text: 'next \u2192', disabled: offset + LIMIT >= d.leasesMatching ? 'disabled' : null, on: { click: function () { offset += LIMIT; poller.now(); } } })]);
    var leases = el('div', null, [pager, ntm.table([
      { title: 'Pool', value: function (l) { return l.pool; } },
      { title: 'Address', value: function (l) { return l.address; } },
      { title: 'Owner (node FQDN)', value: function (l) { return l.owner; } },
      { title: 'Since', value: function (l) { return ntm.when(l.since); } },
      { title: 'Expires', value: function (l) { return ntm.when(l.expires) + (l.live ? '' : ' (expired)'); } }
    ], d.leases, 'ntm-leases')]);
    ntm.replace('ntm-leases-section', leases);
  }, function () { return { q: search, offset: offset, limit: LIMIT }; });
})();
