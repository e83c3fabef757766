import { useQueryClient } from '@tanstack/react-query';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useConsole } from '../context';
import { caseKey, caseQuery, minPositionHeader, rememberPosition } from './read-your-writes';
import {
  newIdempotencyKey,
  sendCommand,
  type CommandAnswer,
  type CommandBody,
  type CommandPath,
  type CommandPathParams,
  type Outcome,
  type ProblemField,
} from './send';

/** An event recorded since the revision the screen showed. */
export interface ChangedEvent {
  readonly revision: number;
  readonly type: string;
}

export type CommandState =
  | { readonly kind: 'idle' }
  | { readonly kind: 'sending' }
  /** 503/429/network: the form is kept; the same attempt (same key) is sent again in `seconds`. */
  | { readonly kind: 'retrying'; readonly seconds: number; readonly attempt: number }
  /** Still unavailable after every retry: the form is kept; submitting again retries once more. */
  | { readonly kind: 'unavailable' }
  /**
   * 409/412: the case changed. The fresh case is loaded (the screen now shows it); `events` are
   * what was recorded since the revision the person was looking at. Their input is kept.
   */
  | {
      readonly kind: 'changed';
      readonly shownRevision: number | undefined;
      readonly freshRevision: number | undefined;
      readonly events: readonly ChangedEvent[] | undefined;
    }
  | { readonly kind: 'refused'; readonly rule: string | undefined; readonly title: string }
  | { readonly kind: 'invalid'; readonly fields: readonly ProblemField[] }
  | { readonly kind: 'not-found' }
  | { readonly kind: 'forbidden' }
  | { readonly kind: 'failed'; readonly status: number }
  | { readonly kind: 'done'; readonly revision: number | undefined };

export interface UseCommandOptions<P extends CommandPath> {
  readonly path: P;
  readonly params: CommandPathParams<P>;
  /** The case the command changes: its reads are refreshed after it (and on a conflict). */
  readonly caseId?: string;
  /** The revision the screen shows: sent as If-Match. */
  readonly revision?: number;
  readonly onDone?: (answer: CommandAnswer<P>) => void;
}

/** Retries of one attempt after 503/429/no answer, and the longest wait between two. */
export const MAX_RETRIES = 4;
const MAX_WAIT_SECONDS = 30;

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

/**
 * Sends a command the way every screen of the console does (see ./send.ts), and keeps what the
 * person sees of it: sending, retrying (503), the case changed (409/412, with what changed), the
 * rule that refused it (422), the fields to fix (400). The form's values live in the form, which
 * this hook never resets: whatever the answer, nothing typed is lost.
 */
export function useCommand<P extends CommandPath>(options: UseCommandOptions<P>) {
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const { i18n } = useTranslation();
  const [state, setState] = useState<CommandState>({ kind: 'idle' });
  const latest = useRef(options);
  latest.current = options;
  /** The attempt being retried: its key is reused only for the same body and revision. */
  const attempt = useRef<{ key: string; fingerprint: string } | undefined>(undefined);
  const abort = useRef<AbortController | undefined>(undefined);
  useEffect(() => () => abort.current?.abort(), []);

  const showChanges = useCallback(
    async (caseId: string, shown: number | undefined, signal: AbortSignal) => {
      setState({
        kind: 'changed',
        shownRevision: shown,
        freshRevision: undefined,
        events: undefined,
      });
      // The fresh case: the read side records the other change within moments; ask until it does.
      let fresh: { revision: number } | undefined;
      for (let i = 0; i < 6 && !signal.aborted; i++) {
        try {
          fresh = await queryClient.fetchQuery({ ...caseQuery(api, caseId), staleTime: 0 });
        } catch {
          fresh = undefined;
        }
        if (fresh && (shown === undefined || fresh.revision > shown)) break;
        await sleep(200 * 2 ** i, signal);
      }
      void queryClient.invalidateQueries({ queryKey: caseKey(caseId) });
      let events: ChangedEvent[] = [];
      if (shown !== undefined) {
        const timeline = await api
          .GET('/cases/{caseId}/timeline', {
            params: {
              path: { caseId },
              query: { afterRevision: shown, limit: 50 },
              header: minPositionHeader(caseId),
            },
          })
          .catch(() => undefined);
        events = (timeline?.data?.items ?? []).map((e) => ({ revision: e.revision, type: e.type }));
      }
      if (!signal.aborted)
        setState({
          kind: 'changed',
          shownRevision: shown,
          freshRevision: fresh?.revision,
          events,
        });
    },
    [api, queryClient],
  );

  const submit = useCallback(
    async (body: CommandBody<P>): Promise<Outcome<CommandAnswer<P>>> => {
      const { path, params, caseId, revision, onDone } = latest.current;
      abort.current?.abort();
      const controller = new AbortController();
      abort.current = controller;
      const fingerprint = JSON.stringify([path, params, revision, body]);
      // A new attempt, unless this is the same submission again after it found no service.
      if (attempt.current?.fingerprint !== fingerprint)
        attempt.current = { key: newIdempotencyKey(), fingerprint };
      const key = attempt.current.key;
      setState({ kind: 'sending' });
      let outcome: Outcome<CommandAnswer<P>>;
      for (let tries = 0; ; tries++) {
        outcome = await sendCommand(api, {
          path,
          params,
          body,
          revision,
          idempotencyKey: key,
          language: i18n.language,
        });
        if (controller.signal.aborted) return outcome;
        if (outcome.kind !== 'unavailable' || tries >= MAX_RETRIES) break;
        const seconds = Math.min(MAX_WAIT_SECONDS, Math.max(outcome.retryAfter ?? 0, 2 ** tries));
        setState({ kind: 'retrying', seconds, attempt: tries + 1 });
        await sleep(seconds * 1000, controller.signal);
        if (controller.signal.aborted) return outcome;
        setState({ kind: 'sending' });
      }
      if (outcome.kind !== 'unavailable') attempt.current = undefined; // answered: next is new
      switch (outcome.kind) {
        case 'done':
          if (caseId) {
            rememberPosition(caseId, outcome.position);
            await queryClient.invalidateQueries({ queryKey: caseKey(caseId) });
          }
          void queryClient.invalidateQueries({ queryKey: ['cases'] });
          void queryClient.invalidateQueries({ queryKey: ['referrals'] });
          setState({ kind: 'done', revision: outcome.revision });
          onDone?.(outcome.data);
          break;
        case 'changed':
          if (caseId) await showChanges(caseId, revision, controller.signal);
          else
            setState({
              kind: 'changed',
              shownRevision: revision,
              freshRevision: undefined,
              events: [],
            });
          break;
        case 'unavailable':
          setState({ kind: 'unavailable' });
          break;
        default:
          setState(outcome);
      }
      return outcome;
    },
    [api, queryClient, i18n, showChanges],
  );

  const reset = useCallback(() => {
    abort.current?.abort();
    attempt.current = undefined;
    setState({ kind: 'idle' });
  }, []);

  return { state, submit, reset };
}
