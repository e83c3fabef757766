import { Alert, Button, Group, Text } from '@mantine/core';
import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, dataOf } from '../api';
import { useConsole } from '../context';
import type { Language } from '../i18n';
import { saveFile } from '../supervisor/download';

/**
 * The rapporteur's national report of a built release, in the interface language: asks the worker
 * to print it (POST …/reports, once per language), waits until the PDF is stored (GET answers 404
 * until then) and hands it to the browser's downloads.
 */
export function NationalReportButton({ releaseId }: { releaseId: string }) {
  const { t, i18n } = useTranslation();
  const { api } = useConsole();
  const language = i18n.language as Language;
  const [asked, setAsked] = useState(false);
  const fileName = `statistics-report-${releaseId}-${language}.pdf`;
  const request = useMutation({
    mutationFn: async () =>
      dataOf(
        await api.POST('/statistics/releases/{release}/reports', {
          params: { path: { release: releaseId } },
          body: { language },
        }),
      ),
    onSuccess: () => setAsked(true),
  });
  const pdf = useQuery({
    queryKey: ['statistics', 'report', releaseId, language],
    enabled: asked,
    queryFn: async () => {
      const answer = await api.GET('/statistics/releases/{release}/reports/{language}', {
        params: { path: { release: releaseId, language } },
        parseAs: 'blob',
      });
      if (answer.response.status === 404) return null; // not printed yet
      return dataOf(answer) as Blob;
    },
    refetchInterval: (query) => (query.state.data ? false : 2_000),
  });
  const error = request.error ?? pdf.error;
  return (
    <Group gap="sm" data-testid="national-report">
      {pdf.data ? (
        <Button variant="light" onClick={() => saveFile(pdf.data!, fileName)}>
          {t('report.console.download')}
        </Button>
      ) : (
        <Button
          variant="light"
          loading={request.isPending || asked}
          onClick={() => request.mutate()}
          aria-describedby={asked ? `report-printing-${releaseId}` : undefined}
        >
          {t('report.console.request')}
        </Button>
      )}
      {asked && !pdf.data && (
        <Text size="sm" role="status" id={`report-printing-${releaseId}`}>
          {t('report.console.printing')}
        </Text>
      )}
      {error && (
        <Alert color="red" role="alert">
          {t('report.console.failed', {
            status: error instanceof ApiError ? String(error.status) : '-',
          })}
        </Alert>
      )}
    </Group>
  );
}
