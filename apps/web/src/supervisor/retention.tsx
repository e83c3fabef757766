import { Button, Loader, NumberInput, Stack, Switch, Text, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../api';
import { useConsole } from '../context';
import { formatDateTime } from '../format';
import { ErrorNotice } from '../screens/error-notice';
import { ChangeFailure } from '../admin/shared';

interface Schedule {
  readonly organisationId: string;
  readonly erasePersonalDataYearsAfterClosure: number | null;
  readonly revision: number;
  readonly setAt: string | null;
  /** The ETag the API answered (If-Match of the next change). */
  readonly etag: string | null;
}

/** The organisation's retention schedule (GET/PUT /organisations/{id}/retention, If-Match). */
export function RetentionSchedule({ organisationId }: { organisationId: string }) {
  const { t } = useTranslation();
  const { api } = useConsole();
  const schedule = useQuery({
    queryKey: ['organisation', organisationId, 'retention'],
    queryFn: async (): Promise<Schedule> => {
      const answer = await api.GET('/organisations/{organisationId}/retention', {
        params: { path: { organisationId } },
      });
      if (!answer.response.ok || !answer.data) throw new ApiError(answer.response.status);
      return { ...answer.data, etag: answer.response.headers.get('etag') };
    },
  });
  return (
    <section aria-labelledby="supervisor-retention">
      <Title order={2} id="supervisor-retention" mb="xs">
        {t('supervisor.retention.title')}
      </Title>
      {schedule.isPending ? (
        <Loader aria-label={t('app.loading')} />
      ) : schedule.isError ? (
        <ErrorNotice error={schedule.error} onRetry={() => void schedule.refetch()} />
      ) : (
        <RetentionForm key={schedule.data.revision} schedule={schedule.data} />
      )}
    </section>
  );
}

function RetentionForm({ schedule }: { schedule: Schedule }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const queryClient = useQueryClient();
  const key = ['organisation', schedule.organisationId, 'retention'];
  const [error, setError] = useState<unknown>(undefined);
  const years = schedule.erasePersonalDataYearsAfterClosure;
  const form = useForm<{ erase: boolean; years: number | string }>({
    mode: 'controlled',
    initialValues: { erase: years !== null, years: years ?? 10 },
    validate: {
      years: (v, values) =>
        !values.erase || (Number.isInteger(Number(v)) && Number(v) >= 1 && Number(v) <= 100)
          ? null
          : t('supervisor.retention.yearsRule'),
    },
  });
  const submit = form.onSubmit(async (values) => {
    setError(undefined);
    const answer = await api.PUT('/organisations/{organisationId}/retention', {
      params: {
        path: { organisationId: schedule.organisationId },
        header: schedule.etag ? { 'If-Match': schedule.etag } : {},
      },
      body: { erasePersonalDataYearsAfterClosure: values.erase ? Number(values.years) : null },
    });
    if (!answer.response.ok || !answer.data) {
      setError(new ApiError(answer.response.status));
      return;
    }
    queryClient.setQueryData(key, { ...answer.data, etag: answer.response.headers.get('etag') });
  });
  return (
    <form onSubmit={submit}>
      <Stack gap="sm" align="start">
        <Text>
          {years === null
            ? t('supervisor.retention.none')
            : t('supervisor.retention.current', { count: years })}
          {schedule.setAt
            ? ` ${t('supervisor.retention.setAt', { date: formatDateTime(i18n.language, schedule.setAt) })}`
            : ''}
        </Text>
        <Switch
          label={t('supervisor.retention.erase')}
          {...form.getInputProps('erase', { type: 'checkbox' })}
        />
        <NumberInput
          label={t('supervisor.retention.years')}
          min={1}
          max={100}
          allowDecimal={false}
          disabled={!form.values.erase}
          {...form.getInputProps('years')}
        />
        <ChangeFailure error={error} />
        {error !== undefined && (
          <Button
            variant="default"
            onClick={() => void queryClient.invalidateQueries({ queryKey: key })}
          >
            {t('admin.reload')}
          </Button>
        )}
        <Button type="submit" loading={form.submitting} disabled={!form.isDirty()}>
          {t('supervisor.retention.save')}
        </Button>
      </Stack>
    </form>
  );
}
