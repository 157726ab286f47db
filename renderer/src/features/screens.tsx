// Every screen of the workbench and the core verbs it needs: a screen whose verbs have not landed
// in CORE_METHODS is left out of the navigation, never shown as a placeholder.
import type { ReactNode } from 'react';
import { CORE_METHODS, type ImportKind } from '../../../core/src/api/index.ts';
import type { IconName } from '../components/Icon.tsx';
import type { MessageKey } from '../i18n/en.ts';
import { ChurnScreen } from './churn/ChurnScreen.tsx';
import { CustomersScreen } from './customers/CustomersScreen.tsx';
import { DataScreen } from './data/DataScreen.tsx';
import { DriversScreen } from './drivers/DriversScreen.tsx';
import { ReasonsScreen } from './reasons/ReasonsScreen.tsx';
import { ReportScreen } from './report/ReportScreen.tsx';
import { RetentionScreen } from './retention/RetentionScreen.tsx';
import { SurveysScreen } from './surveys/SurveysScreen.tsx';

/** What a navigation can ask of a screen (from the native menu, say). */
export interface ScreenRequest {
  importKind?: ImportKind;
}

export interface ScreenDefinition {
  id: string;
  title: MessageKey;
  icon: IconName;
  /** Verbs that must all be in CORE_METHODS for the screen to be offered. */
  requires: readonly string[];
  render(request: ScreenRequest): ReactNode;
}

export const SCREENS: readonly ScreenDefinition[] = [
  {
    id: 'data',
    title: 'nav.data',
    icon: 'data',
    requires: ['describeWorkspace', 'previewImport', 'importFiles', 'rejects'],
    render: (request) => <DataScreen {...(request.importKind ? { importKind: request.importKind } : {})} />,
  },
  { id: 'retention', title: 'nav.retention', icon: 'retention', requires: ['cohortRetention', 'cohortMembers'], render: () => <RetentionScreen /> },
  { id: 'churn', title: 'nav.churn', icon: 'churn', requires: ['churnSummary', 'survival', 'kpis'], render: () => <ChurnScreen /> },
  {
    id: 'reasons',
    title: 'nav.reasons',
    icon: 'reasons',
    requires: ['churnReasons', 'reasonMembers', 'ticketEvidence', 'getTaxonomy', 'setTaxonomy', 'classifyText'],
    render: () => <ReasonsScreen />,
  },
  { id: 'customers', title: 'nav.customers', icon: 'customers', requires: ['customerSegments', 'customerValue', 'customerRows', 'explainCustomer'], render: () => <CustomersScreen /> },
  { id: 'drivers', title: 'nav.drivers', icon: 'drivers', requires: ['churnDrivers', 'whatIf'], render: () => <DriversScreen /> },
  { id: 'satisfaction', title: 'nav.satisfaction', icon: 'satisfaction', requires: ['surveys'], render: () => <SurveysScreen /> },
  { id: 'report', title: 'nav.report', icon: 'report', requires: ['defaultReport', 'exportReport'], render: () => <ReportScreen /> },
];

export function availableScreens(methods: readonly string[] = CORE_METHODS): ScreenDefinition[] {
  return SCREENS.filter((screen) => screen.requires.every((method) => methods.includes(method)));
}
