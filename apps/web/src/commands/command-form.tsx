import '@mantine/dates/styles.css';
import 'dayjs/locale/ar';
import 'dayjs/locale/es';
import 'dayjs/locale/fr';
import 'dayjs/locale/ru';
import 'dayjs/locale/zh-cn';
import {
  Button,
  Checkbox,
  Fieldset,
  Group,
  Modal,
  MultiSelect,
  NumberInput,
  Select,
  Stack,
  TagsInput,
  Text,
  Textarea,
  TextInput,
} from '@mantine/core';
import { DateInput, DatesProvider, DateTimePicker } from '@mantine/dates';
import { useForm, type UseFormReturnType } from '@mantine/form';
import { useDisclosure } from '@mantine/hooks';
import { useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { formatDate } from '../format';
import { useCaseworkers, useCodeLists, useOrganisations, type CodeLists } from './code-lists';
import { CommandNotice } from './command-notice';
import {
  bodyOf,
  emptyRecord,
  fieldOf,
  getPath,
  initialValues,
  isEmpty,
  moneyCurrency,
  type FieldSpec,
  type FormValues,
} from './fields';
import type { CommandAnswer, CommandBody, CommandPath } from './send';
import { useCommand, type UseCommandOptions } from './use-command';

/** dayjs's locale names for the console's languages. */
const DAYJS_LOCALE: Record<string, string> = { zh: 'zh-cn' };

export interface CommandFormProps<P extends CommandPath> extends UseCommandOptions<P> {
  readonly fields: readonly FieldSpec[];
  /** The message of the submit button. */
  readonly submitLabel: string;
  /** The body from the values (default: the fields' values, see bodyOf). */
  readonly toBody?: (body: FormValues, values: FormValues) => FormValues;
  /** Asks first, in a dialog (e.g. erasure: it cannot be undone). */
  readonly confirm?: { readonly title: string; readonly message: string; readonly button: string };
  readonly danger?: boolean;
  /** Shown above the fields. */
  readonly intro?: ReactNode;
  /** A test id for the form (tests find forms by it; no personal data). */
  readonly id: string;
}

const today = (): string => {
  const now = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
};

/**
 * A command as a form (@mantine/form): its fields, the code lists' labels in the person's
 * language, dates by @mantine/dates. Sent by {@link useCommand}: If-Match is the revision the
 * screen shows, one Idempotency-Key per submission attempt. Nothing typed is lost on an error:
 * the values are cleared only once the command is recorded.
 */
export function CommandForm<P extends CommandPath>(props: CommandFormProps<P>) {
  const { t, i18n } = useTranslation();
  const codeLists = useCodeLists();
  const { fields } = props;
  const command = useCommand<P>(props);
  const [unplaced, setUnplaced] = useState<string[]>([]);
  const [confirming, confirmation] = useDisclosure(false);
  const form = useForm<FormValues>({
    mode: 'controlled',
    initialValues: initialValues(fields, today()),
    validate: (values) => {
      const errors: Record<string, string> = {};
      for (const field of fields) {
        if (field.when && !field.when(values)) continue;
        const value = getPath(values, field.name);
        if (field.required && isEmpty(value)) errors[field.name] = t('commands.required');
        // A row begun is a row to finish: its required sub-fields.
        if (field.kind === 'records')
          ((value as FormValues[] | undefined) ?? []).forEach((row, i) => {
            if (Object.values(bodyOf(field.fields, row, codeLists.digits)).length === 0) return;
            for (const sub of field.fields)
              if (sub.required && isEmpty(getPath(row, sub.name)))
                errors[`${field.name}.${i}.${sub.name}`] = t('commands.required');
          });
      }
      return errors;
    },
  });

  const send = async (values: FormValues) => {
    const raw = bodyOf(fields, values, codeLists.digits);
    const body = (props.toBody ? props.toBody(raw, values) : raw) as CommandBody<P>;
    setUnplaced([]);
    const outcome = await command.submit(body);
    if (outcome.kind === 'done') form.reset();
    if (outcome.kind === 'invalid') {
      const errors: Record<string, string> = {};
      const rest: string[] = [];
      for (const problem of outcome.fields) {
        const name = fieldOf(fields, problem.name);
        if (name) errors[name] = t('commands.invalidField');
        else rest.push(problem.name);
      }
      form.setErrors(errors);
      setUnplaced(rest);
    }
  };

  const onSubmit = form.onSubmit((values) => {
    if (props.confirm) confirmation.open();
    else void send(values);
  });
  const busy = command.state.kind === 'sending' || command.state.kind === 'retrying';

  return (
    <DatesProvider
      settings={{ locale: DAYJS_LOCALE[i18n.language] ?? i18n.language, firstDayOfWeek: 1 }}
    >
      <form onSubmit={onSubmit} noValidate data-testid={`form-${props.id}`}>
        <Stack gap="sm">
          {props.intro}
          {fields
            .filter((field) => !field.when || field.when(form.values))
            .map((field) => (
              <FieldInput key={field.name} field={field} form={form} codeLists={codeLists} />
            ))}
          <CommandNotice state={command.state} unplacedFields={unplaced} />
          <Group>
            <Button type="submit" loading={busy} color={props.danger ? 'red' : undefined}>
              {props.submitLabel}
            </Button>
          </Group>
        </Stack>
      </form>
      {props.confirm && (
        <Modal
          opened={confirming}
          onClose={confirmation.close}
          title={props.confirm.title}
          centered
        >
          <Stack gap="md">
            <Text>{props.confirm.message}</Text>
            <Group justify="flex-end">
              <Button variant="default" onClick={confirmation.close}>
                {t('commands.cancel')}
              </Button>
              <Button
                color="red"
                onClick={() => {
                  confirmation.close();
                  void send(form.getValues());
                }}
              >
                {props.confirm.button}
              </Button>
            </Group>
          </Stack>
        </Modal>
      )}
    </DatesProvider>
  );
}

type Form = UseFormReturnType<FormValues, FormValues, any>;

function FieldInput({
  field,
  form,
  codeLists,
}: {
  field: FieldSpec;
  form: Form;
  codeLists: CodeLists;
}) {
  const { t, i18n } = useTranslation();
  const organisations = useOrganisations();
  const caseworkers = useCaseworkers(field.kind === 'caseworker');
  const common = {
    label: field.codeLabel
      ? codeLists.label(field.codeLabel.list, field.codeLabel.code)
      : t(field.label ?? `commands.field.${field.name}`),
    description: field.description ? t(field.description) : undefined,
    withAsterisk: field.required,
    ...form.getInputProps(field.name),
  };
  // The clear buttons of optional inputs, named for screen readers.
  const clearButtonProps = { 'aria-label': t('commands.clear') };
  switch (field.kind) {
    case 'text':
      return <TextInput {...common} maxLength={field.maxLength} />;
    case 'textarea':
      return <Textarea {...common} autosize minRows={2} maxLength={field.maxLength ?? 20000} />;
    case 'code': {
      const options = codeLists.options(field.list);
      const data = field.only ? options.filter((o) => field.only!.includes(o.value)) : options;
      return (
        <Select
          {...common}
          data={[...data]}
          searchable
          clearable={!field.required}
          clearButtonProps={clearButtonProps}
        />
      );
    }
    case 'codes':
      return <MultiSelect {...common} data={[...codeLists.options(field.list)]} searchable />;
    case 'choice':
      return (
        <Select
          {...common}
          data={field.options.map((value) => ({ value, label: t(`${field.labels}.${value}`) }))}
          clearable={!field.required}
          clearButtonProps={clearButtonProps}
        />
      );
    case 'organisation':
      return (
        <Select
          {...common}
          searchable
          clearable={!field.required}
          clearButtonProps={clearButtonProps}
          data={(organisations.data ?? []).map((o) => ({
            value: o.organisationId,
            label: `${o.name} (${o.code})`,
          }))}
        />
      );
    case 'caseworker':
      return (
        <Select
          {...common}
          searchable
          clearable={!field.required}
          nothingFoundMessage={t('commands.noCaseworkers')}
          data={(caseworkers.data ?? []).map((u) => ({ value: u.userId, label: u.displayName }))}
        />
      );
    case 'records':
      return <RecordsInput field={field} form={form} codeLists={codeLists} />;
    case 'date':
      return (
        <DateInput
          {...common}
          clearable={!field.required}
          clearButtonProps={clearButtonProps}
          valueFormat={(date: string) => formatDate(i18n.language, date)}
          dateParser={parseDate}
        />
      );
    case 'datetime':
      return <DateTimePicker {...common} clearable clearButtonProps={clearButtonProps} />;
    case 'integer':
      return (
        <NumberInput
          {...common}
          min={field.min}
          max={field.max}
          allowDecimal={false}
          allowNegative={false}
        />
      );
    case 'money': {
      const currency = moneyCurrency(field, form.values);
      return (
        <NumberInput
          {...common}
          min={0}
          allowNegative={false}
          decimalScale={currency ? codeLists.digits(currency) : undefined}
          rightSection={currency}
          rightSectionWidth="3.5rem"
        />
      );
    }
    case 'boolean':
      return (
        <Checkbox
          label={common.label}
          description={common.description}
          {...form.getInputProps(field.name, { type: 'checkbox' })}
        />
      );
    case 'tags':
      return <TagsInput {...common} />;
  }
}

/** A `records` field: its rows of sub-fields, a row added or removed by a button. */
function RecordsInput({
  field,
  form,
  codeLists,
}: {
  field: FieldSpec & { kind: 'records' };
  form: Form;
  codeLists: CodeLists;
}) {
  const { t } = useTranslation();
  const rows = (getPath(form.values, field.name) as FormValues[] | undefined) ?? [];
  const label = t(`commands.field.${field.name}`);
  const error = form.errors[field.name];
  return (
    <Fieldset legend={label} variant="unstyled" data-testid={`records-${field.name}`}>
      <Stack gap="xs">
        {rows.map((_row, i) => (
          <Group key={i} align="end" wrap="wrap" gap="sm">
            {field.fields.map((sub) => (
              <FieldInput
                key={sub.name}
                field={{
                  ...sub,
                  name: `${field.name}.${i}.${sub.name}`,
                  label: sub.label ?? `commands.field.${field.name}.${sub.name}`,
                }}
                form={form}
                codeLists={codeLists}
              />
            ))}
            <Button
              variant="subtle"
              color="red"
              onClick={() => form.removeListItem(field.name, i)}
              aria-label={t('commands.records.removeRow', { name: label, count: i + 1 })}
            >
              {t('commands.records.remove')}
            </Button>
          </Group>
        ))}
        {error && (
          <Text size="sm" c="red" role="alert">
            {error}
          </Text>
        )}
        {rows.length < (field.max ?? 20) && (
          <Group>
            <Button
              variant="light"
              onClick={() => form.insertListItem(field.name, emptyRecord(field))}
            >
              {t('commands.records.add', { name: label })}
            </Button>
          </Group>
        )}
      </Stack>
    </Fieldset>
  );
}

/** What a person types into a date input: `YYYY-MM-DD`, else what the browser's Date reads. */
function parseDate(input: string): string | null {
  const iso = /^\s*(\d{4})-(\d{1,2})-(\d{1,2})\s*$/.exec(input);
  if (iso) return `${iso[1]}-${iso[2]!.padStart(2, '0')}-${iso[3]!.padStart(2, '0')}`;
  const parsed = new Date(input);
  if (Number.isNaN(parsed.getTime())) return null;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${parsed.getFullYear()}-${pad(parsed.getMonth() + 1)}-${pad(parsed.getDate())}`;
}

export type { CommandAnswer };
