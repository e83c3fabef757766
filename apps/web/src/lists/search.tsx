import { Alert, Anchor, Button, Group, List, Stack, Text, TextInput, Title } from '@mantine/core';
import { DateInput } from '@mantine/dates';
import { useForm } from '@mantine/form';
import { useDocumentTitle } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import dayjs from 'dayjs';
import { useTranslation } from 'react-i18next';
import { dataOf } from '../api';
import { useConsole } from '../context';
import { paths, useLinkProps } from '../router';
import { ErrorNotice } from '../screens/error-notice';
import { ListsDates, parseIsoDate } from './dates';

interface SearchForm {
  fullName: string;
  birthDate: string | null;
}

/**
 * Find a person among the organisation's cases (POST /cases/search: a blind index of name and
 * birth date, so both are needed). What is typed goes in the request body only: never in the
 * address, the title or browser storage; the answer names case references, not people.
 */
export default function Search() {
  const { t } = useTranslation();
  const { api } = useConsole();
  useDocumentTitle(`${t('lists.search.title')} · ${t('app.name')}`);
  const form = useForm<SearchForm>({
    mode: 'controlled',
    initialValues: { fullName: '', birthDate: null },
    validate: {
      fullName: (v) => (v.trim() ? null : t('lists.search.nameRequired')),
      birthDate: (v) => (v ? null : t('lists.search.birthDateRequired')),
    },
  });
  const search = useMutation({
    mutationFn: async (values: SearchForm) =>
      dataOf(
        await api.POST('/cases/search', {
          body: { fullName: values.fullName.trim(), birthDate: values.birthDate! },
        }),
      ),
  });
  return (
    <ListsDates>
      <Stack gap="md" maw="48rem">
        <Title order={1}>{t('lists.search.title')}</Title>
        <Text>{t('lists.search.intro')}</Text>
        <form onSubmit={form.onSubmit((values) => search.mutate(values))} noValidate>
          <Stack gap="sm">
            <TextInput
              label={t('lists.search.fullName')}
              autoComplete="off"
              withAsterisk
              {...form.getInputProps('fullName')}
            />
            <DateInput
              label={t('lists.search.birthDate')}
              description={t('lists.dateFormatHint')}
              withAsterisk
              dateParser={parseIsoDate}
              maxDate={dayjs().format('YYYY-MM-DD')}
              defaultLevel="decade"
              {...form.getInputProps('birthDate')}
            />
            <Group>
              <Button type="submit" loading={search.isPending}>
                {t('lists.search.submit')}
              </Button>
            </Group>
          </Stack>
        </form>
        {search.isError && <ErrorNotice error={search.error} onRetry={() => search.reset()} />}
        {search.data && (
          <section aria-labelledby="search-results">
            <Title order={2} id="search-results" size="h3" mb="xs">
              {t('lists.search.results')}
            </Title>
            {search.data.matches.length === 0 ? (
              <Alert color="gray" role="status">
                {t('lists.search.none')}
              </Alert>
            ) : (
              <>
                <Text role="status" mb="xs">
                  {t('lists.search.count', { count: search.data.matches.length })}
                </Text>
                <List>
                  {search.data.matches.map((match) => (
                    <List.Item key={match.caseId}>
                      <CaseLink caseId={match.caseId} reference={match.caseReference} />
                    </List.Item>
                  ))}
                </List>
              </>
            )}
          </section>
        )}
      </Stack>
    </ListsDates>
  );
}

function CaseLink({ caseId, reference }: { caseId: string; reference: string }) {
  const link = useLinkProps(paths.case(caseId));
  return <Anchor {...link}>{reference}</Anchor>;
}
