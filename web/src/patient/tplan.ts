// The patient's own treatment plan (loaded when opened): problems, goals, measurable objectives and
// the interventions, read-only, and a button to confirm having read the current version, which
// the care team sees in the chart.
import { h, mount } from '../dom';
import { api } from '../api';
import { t } from '../i18n';
import { fmtDate } from '../format';
import { link } from '../router';
import { state } from '../state';
import { planView, type TreatmentPlan } from '../tplanview';
import { busy, loading, notice, pageTitle, problemText, section } from '../ui';

export async function renderMyTreatmentPlan(root: HTMLElement): Promise<void> {
  const body = h('div', { class: 'stack' }, loading());
  root.append(pageTitle(t('tplan.my_title')), body);
  const pid = state.me?.patient_id;
  if (!pid) {
    body.replaceChildren(notice('info', t('tplan.my_none')));
    return;
  }
  const q = encodeURIComponent(pid);
  const tz = state.me?.time_zone;

  async function load(flash?: string): Promise<void> {
    let tp: TreatmentPlan;
    try {
      tp = await api<TreatmentPlan>('GET', `/patients/${q}/treatment-plan`);
    } catch (e) {
      body.replaceChildren(notice('error', problemText(e)));
      return;
    }
    if (!tp.plan) {
      mount(body, notice('info', t('tplan.my_none')), link('/', { class: 'btn btn-block' }, t('result.home')));
      return;
    }
    const cur = tp.versions.find((v) => v.version === tp.version);
    const ack = tp.acknowledgements.find((a) => a.version === tp.version);
    const confirm = h(
      'button',
      {
        type: 'button',
        class: 'btn btn-primary btn-block btn-large',
        'data-testid': 'tplan-acknowledge',
        onclick: async () => {
          try {
            await busy(confirm, () => api('POST', `/patients/${q}/treatment-plan/acknowledge`));
            await load(t('tplan.my_thanks'));
          } catch (e) {
            status.replaceChildren(notice('error', problemText(e)));
          }
        },
      },
      t('tplan.my_confirm'),
    );
    const status = h('div');
    const flashEl = flash ? notice('success', flash) : null;
    mount(
      body,
      flashEl,
      h('p', { class: 'muted' }, t('tplan.my_version', { n: tp.version, date: cur ? fmtDate(cur.created_at.slice(0, 10)) : '' })),
      planView(tp.plan, null),
      section(
        t('tplan.my_ack_title'),
        tp.acknowledged_current && ack
          ? h('p', { 'data-testid': 'tplan-acknowledged' }, h('span', { class: 'tag tag-ok' }, t('tplan.my_read_tag')), ' ', t('tplan.my_acknowledged', { date: fmtDate(localDate(ack.at, tz)) }))
          : [h('p', null, t('tplan.my_ack_hint')), status, confirm],
      ),
    );
    if (flashEl) {
      flashEl.setAttribute('tabindex', '-1');
      flashEl.focus();
    }
  }
  await load();
}

function localDate(ts: string, tz: string | undefined): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit', timeZone: tz }).format(new Date(ts));
}
