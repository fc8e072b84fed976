// The chart's "Measures due" card (a chunk of its own): the day's check-in and the measures the
// schedule or a rule asks for (GET /patients/{id}/due), each with its rhythm, the last day of its
// window and its status — and, for those who may, the form to give it now, on the patient's
// behalf, inline in the card (the shared form builder, so wording notes show as in the patient
// app). The answer shows the clinician what the patient never sees: the score, the risk level
// with the rules' reasons in plain words, and the alerts raised.
import { h, uid, type Child } from '../dom';
import { ApiError, api, keyPerBody } from '../api';
import { locale, t } from '../i18n';
import { answerMessage, buildForm, wordingNote } from '../forms';
import { fmtNumber, fmtTime } from '../format';
import { dueReasonLabel, measureClassLabel, measureScheduleLabel, measureSeverityLabel, riskLabel } from '../labels';
import type { DueItem, Episode, FormDefinition, SubmissionAnswer } from '../types';
import { button, dl, loading, notice, problemText, section } from '../ui';
import { alertLink, givesMeasures, recordsCheckins, riskTag, severityTag } from './common';
import { notForMe } from './recordkit';

type Reason = { rule: string; text: string };
type Raised = { id: string; severity: string };

/** Rules' follow-ups (C-SSRS, ASQ) first, then what is late, then the rest; done last. */
const rank = (d: DueItem) => (d.status === 'done' ? 3 : d.schedule === 'now' ? 0 : d.status === 'overdue' ? 1 : 2);

/**
 * `onRecorded` runs after a submission was stored (or a refused one still recorded a safety
 * answer), so the chart's charts and timeline can show it.
 */
export function measuresCard(patientId: string, episode: Episode, tz: string | undefined, onRecorded: () => void): HTMLElement {
  const q = encodeURIComponent(patientId);
  const list = h('div', null, loading());
  const panel = h('div', { class: 'measure-panel' });
  const el = section(t('measures.title'), list, panel);
  el.dataset.testid = 'measures-card';
  // Where focus goes back when the form or its result is closed.
  let opener: HTMLElement | null = null;

  // What this reader may record for this patient, as the server says (the role alone cannot tell
  // a therapist outside the care team); the role is the fallback.
  let may = { checkin: recordsCheckins(), measures: givesMeasures() };

  async function load(): Promise<void> {
    let items: DueItem[];
    try {
      const due = await api<{ items: DueItem[]; may_record?: { checkin: boolean; measures: boolean } }>('GET', `/patients/${q}/due`);
      items = due.items;
      if (due.may_record) may = due.may_record;
    } catch (e) {
      if (notForMe(e)) el.remove();
      else list.replaceChildren(notice('error', problemText(e)));
      return;
    }
    const checkin = items.find((d) => d.kind === 'checkin');
    const measures = items.filter((d) => d.kind === 'measure' && d.instrument).sort((a, b) => rank(a) - rank(b));
    list.replaceChildren(
      checkin ? checkinLine(checkin) : '',
      measures.length ? h('ul', { class: 'plain due-list', 'data-testid': 'due-measures' }, measures.map(measureLine)) : '',
      checkin || measures.length ? '' : h('p', { class: 'muted' }, t('measures.none_due')),
    );
  }

  function checkinLine(c: DueItem): HTMLElement {
    const time = fmtTime(c.window_end, tz);
    return h(
      'div',
      { class: 'due-item due-checkin', 'data-testid': 'due-checkin' },
      h(
        'p',
        null,
        h('strong', null, t('measures.checkin')),
        c.status === 'done' ? '' : h('span', { class: 'muted' }, ` · ${c.status === 'missed' ? t('measures.checkin_cutoff', { time }) : t('measures.checkin_by', { time })}`),
      ),
      h(
        'p',
        { class: 'due-act' },
        statusTag(c),
        // Psychiatrists read check-ins but do not record them (the server's access policy).
        c.status !== 'done' && may.checkin ? button(t('measures.checkin_give'), (ev) => void open(c, ev.currentTarget as HTMLElement), { class: 'btn btn-small' }) : '',
      ),
    );
  }

  function measureLine(m: DueItem): HTMLElement {
    const title = m.title ?? m.instrument!;
    const rhythm = m.schedule === 'now' ? dueReasonLabel(m.reason ?? '') : measureScheduleLabel(m.schedule ?? '');
    // window_end is the exclusive local midnight: the last day to give it is the day before.
    const date = new Intl.DateTimeFormat(locale(), { weekday: 'short', day: 'numeric', month: 'short', timeZone: tz }).format(new Date(Date.parse(m.window_end) - 1));
    const when = m.status === 'done' ? '' : ` · ${m.status === 'overdue' ? t('measures.was_due', { date }) : t('measures.by', { date })}`;
    return h(
      'li',
      { class: 'due-item', 'data-instrument': m.instrument!, 'data-status': m.schedule === 'now' ? 'now' : m.status },
      h('p', null, h('strong', null, title), h('span', { class: 'muted' }, ` · ${rhythm}${when}`)),
      h(
        'p',
        { class: 'due-act' },
        statusTag(m),
        // Measures on a patient's behalf take a clinician; the server decides for which patients.
        m.status !== 'done' && may.measures
          ? button([t('measures.give'), h('span', { class: 'visually-hidden' }, ` (${title})`)], (ev) => void open(m, ev.currentTarget as HTMLElement), {
              class: 'btn btn-small',
            })
          : '',
      ),
    );
  }

  function close(): void {
    panel.replaceChildren();
    (opener?.isConnected ? opener : el.querySelector<HTMLElement>('h2'))?.focus();
  }

  /** The form of a check-in or a measure, in the card. */
  async function open(item: DueItem, from: HTMLElement): Promise<void> {
    opener = from;
    const isCheckin = item.kind === 'checkin';
    panel.replaceChildren(loading());
    let def: FormDefinition;
    try {
      def = await api<FormDefinition>(
        'GET',
        isCheckin ? `/checkin-forms?program_id=${encodeURIComponent(episode.program_id)}` : `/instruments/${encodeURIComponent(item.instrument!)}`,
      );
    } catch (e) {
      panel.replaceChildren(notice('error', problemText(e)));
      return;
    }
    const title = isCheckin ? t('measures.checkin') : def.title;
    const key = keyPerBody();
    const urgent = h('div');
    const problems = h('div', { tabindex: '-1' });
    const form = buildForm(def, {
      submitLabel: t('measures.save'),
      declinedLabel: t('measures.declined'),
      onSubmit: async (answers) => {
        urgent.replaceChildren();
        problems.replaceChildren();
        const body = isCheckin ? { answers } : { instrument: def.id, answers };
        try {
          const r = await api<SubmissionAnswer>('POST', `/patients/${q}/${isCheckin ? 'checkins' : 'assessments'}`, body, { idempotencyKey: key(body) });
          showResult(title, def, r);
          void load();
          onRecorded();
        } catch (e) {
          const ev = e instanceof ApiError ? e.problem.risk_event : undefined;
          if (ev?.recorded) {
            // The safety answer counts even though the rest must be corrected: say so first.
            urgent.replaceChildren(
              notice('warning', h('p', null, h('strong', null, t('measures.risk_event', { level: riskLabel(ev.level) }))), reasonList(ev.reasons), alertLines(ev.alerts)),
            );
            void load();
            onRecorded();
          }
          const errs =
            e instanceof ApiError && e.status === 422
              ? (e.problem.errors ?? [])
                  .filter((fe) => fe.field.startsWith('answers.'))
                  .map((fe) => ({ item: fe.field.slice('answers.'.length), ...answerMessage(fe) }))
              : [];
          if (errs.length) {
            form.showErrors(errs);
          } else {
            problems.replaceChildren(notice('error', refusal(e)));
            problems.focus();
          }
        }
      },
    });
    const headId = uid('mf');
    panel.replaceChildren(
      h(
        'section',
        { class: 'measure-form', 'aria-labelledby': headId, 'data-testid': 'measure-form' },
        h('h3', { id: headId, tabindex: '-1' }, t('measures.form_title', { title })),
        h('p', { class: 'muted small' }, t('measures.on_behalf_note')),
        wordingNote(def),
        urgent,
        problems,
        form.el,
        h('div', { class: 'actions' }, button(t('measures.close'), close)),
      ),
    );
    panel.querySelector<HTMLElement>('h3')?.focus();
  }

  function showResult(title: string, def: FormDefinition, r: SubmissionAnswer): void {
    const pairs: [string, Child][] = [];
    if (typeof r.total === 'number') pairs.push([t('measures.total'), fmtNumber(r.total)]);
    if (r.severity) {
      // The instrument's own band names (in the reader's language), else ours.
      const band = def.bands?.find((b) => b.id === r.severity);
      const sev = band ? { text: band.label } : measureSeverityLabel(r.severity).lang ? measureClassLabel(r.severity) : measureSeverityLabel(r.severity);
      pairs.push([t('measures.severity'), h('span', { lang: sev.lang }, sev.text)]);
    }
    if (r.classification && r.classification !== r.severity) {
      const c = measureClassLabel(r.classification);
      pairs.push([t('measures.classification'), h('span', { lang: c.lang }, c.text)]);
    }
    pairs.push([t('measures.risk'), riskTag(r.risk.level)]);
    if (r.risk.reasons?.length) pairs.push([t('measures.reasons'), reasonList(r.risk.reasons)]);
    const headId = uid('mr');
    panel.replaceChildren(
      h(
        'section',
        { class: 'measure-result', 'aria-labelledby': headId, 'data-testid': 'measure-result' },
        h('h3', { id: headId, tabindex: '-1' }, t('measures.recorded', { title })),
        dl(pairs),
        r.alerts?.length ? notice('warning', alertLines(r.alerts)) : '',
        h('div', { class: 'actions' }, button(t('measures.close'), close)),
      ),
    );
    panel.querySelector<HTMLElement>('h3')?.focus();
  }

  void load();
  return el;
}

function statusTag(d: DueItem): HTMLElement {
  const [cls, text] =
    d.status === 'done'
      ? ['tag-ok', t('measures.status_done')]
      : d.status === 'overdue'
        ? ['tag-overdue', t('measures.status_overdue')]
        : d.status === 'missed'
          ? ['tag-overdue', t('measures.status_missed')]
          : d.schedule === 'now'
            ? ['tag-overdue', t('measures.status_now')]
            : ['tag-warn', t('measures.status_due')];
  return h('span', { class: `tag ${cls}` }, text);
}

function reasonList(reasons: Reason[] | undefined): HTMLElement | '' {
  return reasons?.length ? h('ul', { class: 'reasons', 'data-testid': 'measure-reasons' }, reasons.map((r) => h('li', null, r.text))) : '';
}

function alertLines(alerts: Raised[] | undefined): HTMLElement | '' {
  if (!alerts?.length) return '';
  return h(
    'ul',
    { class: 'plain', 'data-testid': 'alerts-raised' },
    alerts.map((a) => h('li', null, severityTag(a.severity), ' ', t('measures.alert_raised'), ' ', alertLink(a.id, t('measures.open_alert')))),
  );
}

/** A refusal in words: the role may never (403), or this patient is not the user's to record for (404). */
function refusal(e: unknown): string {
  if (e instanceof ApiError && e.status === 403) return t('measures.forbidden');
  if (e instanceof ApiError && e.status === 404) return t('measures.not_reachable');
  return problemText(e);
}
