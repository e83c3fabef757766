import { Alert, Code, List, Loader, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../format';
import { eventTypeMessage } from '../lists/event-types';
import type { CommandState } from './use-command';

/**
 * What became of a command, in the person's language: sending, retrying (503: the form is kept),
 * the case changed (409/412: what changed since the revision shown, the fresh case loaded, the
 * input kept), a rule's refusal (422: its title as the API said it in this language, and what to
 * do next where the catalogue has a hint for the rule), the fields
 * to correct (400), or done.
 */
export function CommandNotice({
  state,
  unplacedFields = [],
}: {
  state: CommandState;
  /** 400: fields the problem names that the form has no input for. */
  unplacedFields?: readonly string[];
}) {
  const { t, i18n } = useTranslation();
  switch (state.kind) {
    case 'idle':
    case 'sending':
      return null;
    case 'retrying':
      return (
        <Alert color="yellow" role="status" data-testid="command-retrying">
          {t('commands.retrying', { count: state.seconds })}
        </Alert>
      );
    case 'unavailable':
      return (
        <Alert color="red" role="alert" data-testid="command-unavailable">
          {t('commands.unavailable')}
        </Alert>
      );
    case 'changed':
      return (
        <Alert
          color="red"
          role="alert"
          title={t('commands.changed.title')}
          data-testid="command-changed"
        >
          <Text size="sm">{t('commands.changed.body')}</Text>
          {state.events === undefined ? (
            <Loader size="sm" aria-label={t('commands.changed.loading')} />
          ) : state.events.length > 0 ? (
            <>
              <Text size="sm" mt="xs">
                {t('commands.changed.since', { count: state.events.length })}
              </Text>
              <List size="sm">
                {state.events.map((event) => (
                  <List.Item key={event.revision} data-event-type={event.type}>
                    {t(eventTypeMessage(event.type))} ({t('commands.changed.revision')}{' '}
                    {formatNumber(i18n.language, event.revision)})
                  </List.Item>
                ))}
              </List>
            </>
          ) : null}
        </Alert>
      );
    case 'refused':
      return (
        <Alert color="red" role="alert" title={t('commands.refused')} data-testid="command-refused">
          <Text size="sm">{state.title}</Text>
          {/* What to do next, where the console knows (a child's decision: its assessment first). */}
          {state.rule && i18n.exists(`commands.refused.hint.${state.rule}`) && (
            <Text size="sm" mt="xs" data-testid="command-refused-hint">
              {t(`commands.refused.hint.${state.rule}`)}
            </Text>
          )}
        </Alert>
      );
    case 'invalid':
      return (
        <Alert color="red" role="alert" data-testid="command-invalid">
          {t('commands.invalid')}
          {unplacedFields.length > 0 && (
            <List size="sm">
              {unplacedFields.map((name) => (
                <List.Item key={name}>
                  <Code>{name}</Code>
                </List.Item>
              ))}
            </List>
          )}
        </Alert>
      );
    case 'not-found':
      return (
        <Alert color="red" role="alert">
          {t('commands.notFound')}
        </Alert>
      );
    case 'forbidden':
      return (
        <Alert color="red" role="alert">
          {t('commands.forbidden')}
        </Alert>
      );
    case 'failed':
      return (
        <Alert color="red" role="alert">
          {t('error.generic')}
        </Alert>
      );
    case 'done':
      return (
        <Alert color="green" role="status" data-testid="command-done">
          {t('commands.done')}
        </Alert>
      );
  }
}
