import { useTranslation } from 'react-i18next';
import { useCodeLists, type CodeListName } from '../commands/code-lists';
import type { Labels } from './views';

/** The code list naming a dimension's values (others are the statistics' own, translated here). */
const CODE_LIST_OF: Readonly<Record<string, CodeListName>> = {
  status: 'victim-statuses',
  sex: 'sex-gender',
  deciding_body: 'deciding-bodies',
  form: 'forms-of-exploitation',
  sector: 'sectors',
  citizenship: 'countries',
  assistance_type: 'assistance-types',
  cooperation: 'law-enforcement-cooperation',
  remedy_type: 'remedy-types',
  avenue: 'remedy-avenues',
  outcome: 'claim-decision-outcomes',
};

/**
 * Labels of dimensions and values in the person's language: the statistics' own values (age
 * groups, "not recorded", yes/no...) from statistics.json, codes from the API's code lists.
 */
export function useStatisticsLabels(): Labels & { ready: boolean } {
  const { t, i18n } = useTranslation();
  const codeLists = useCodeLists();
  return {
    ready: codeLists.ready,
    count: t('statistics.count'),
    dimension: (name) => t(`statistics.dim.${name}`),
    value: (dimension, code) => {
      const own = `statistics.value.${code}`;
      if (i18n.exists(own)) return t(own);
      const list = CODE_LIST_OF[dimension];
      return list ? codeLists.label(list, code) : code;
    },
  };
}
