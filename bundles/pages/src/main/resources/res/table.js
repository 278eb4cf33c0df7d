/* Translation table: a page of entries at a time, filtered by text and kind, with the table's counters. */
(function () {
  'use strict';
  var el = ntm.el;
  var search = '';
  var kind = '';
  var offset = 0;
  var LIMIT = 50;
  var box = el('input', { id: 'ntm-table-search', placeholder: 'filter: address, node', on: { input: function (e) { search = e.target.value; offset = 0; poller.now(); } } });
  var kinds = el('select', { id: 'ntm-table-kind', on: { change: function (e) { kind = e.target.value; offset = 0; poller.now(); } } },
    ['', 'NTM_NODE', 'NTM_GENERAL_NODE', 'TEREDO_PEER', 'STATIC'].map(function (k) { return el('option', { value: k, text: k || 'every kind' }); }));
  ntm.root.appendChild(el('div', { id: 'ntm-table-counters' }));
  ntm.root.appendChild(el('div', { 'class': 'ntm-section' }, [el('h2', { text: 'Entries' }), box, ' ', kinds]));
  ntm.root.appendChild(el('div', { id: 'ntm-entries-section' }));
  var poller = ntm.poll(function (d) {
    if (!d.running) {
      ntm.replace('ntm-table-counters', el('p', { text: 'The translation table service (bundle org.ntmgate.table) is not running.' }));
      return;
    }
    ntm.replace('ntm-table-counters', ntm.section('Table', [ntm.table([
      { title: 'Entries', value: function () { return d.size + ' of ' + d.capacity; } },
      { title: 'Inserted', value: function () { return d.inserted; } },
      { title: 'Removed', value: function () { return d.removed; } },
      { title: 'Expired', value: function () { return d.expired; } },
      { title: 'Refused (full)', value: function () { return d.refusedFull; } },
      { title: 'Refused (conflict)', value: function () { return d.refusedConflict; } }
    ], [{}], 'ntm-table-stats')]));
    var pager = el('div', { 'class': 'ntm-pager' }, [
      el('button', { type: 'button', text: '\u2190 previous', disabled: offset === 0 ? 'disabled' : null, on: { click: function () { offset = Math.max(0, offset - LIMIT); poller.now(); } } }),
      ' ' + (d.matching === 0 ? 0 : offset + 1) + '\u2013' + Math.min(offset + LIMIT, d.matching) + ' of ' + d.matching + ' ',
      el('button', { type: 'button', text: 'next \u2192', disabled: offset + LIMIT >= d.matching ? 'disabled' : null, on: { click: function () { offset += LIMIT; poller.now(); } } })]);
    ntm.replace('ntm-entries-section', el('div', null, [pager, ntm.table([
      { title: 'Id', value: function (e) { return e.id; } },
      { title: 'Kind', value: function (e) { return e.kind; } },
      { title: 'Virtual', value: function (e) { return e.virtual; } },
      { title: 'Real', value: function (e) { return e.real; } },
      { title: 'Node', value: function (e) { return e.node || '\u2013'; } },
      { title: 'Age', value: function (e) { return ntm.duration(e.ageSeconds); } },
      { title: 'Idle', value: function (e) { return ntm.duration(e.idleSeconds); } },
      { title: 'Hits', value: function (e) { return e.hits; } },
      { title: 'Bytes to real / to virtual', value: function (e) { return ntm.bytes(e.bytesToReal) + ' / ' + ntm.bytes(e.bytesToVirtual); } }
    ], d.entries, 'ntm-entries')]));
  }, function () { return { q: search, kind: kind, offset: offset, limit: LIMIT }; });
})();
