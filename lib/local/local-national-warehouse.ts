/**
 * The national warehouse the embedded runtime talks to: the configured one, or (when none is
 * configured) the simulator from test/simulators, seeded with a few papers for the seeded
 * citizens so a pull on `npm start` files something real.
 */
import { PDFDocument, StandardFonts } from 'pdf-lib';
import {
  startNationalWarehouseSimulator,
  type NationalWarehouseSimulator,
  type SeededResult,
} from '../../test/simulators/national-warehouse-simulator.ts';
import type { NationalWarehouseConfigInput } from '../../functions/sync/adapters/national-warehouse-config.ts';
import { seedAccounts } from './identity-provider/seed-accounts.ts';

export interface LocalNationalWarehouse {
  config: NationalWarehouseConfigInput;
  /** Present when the simulator stands in for the portal. */
  simulator?: NationalWarehouseSimulator;
  close(): Promise<void>;
}

/**
 * The portal NATIONAL_WAREHOUSE_URL names (its full client configuration in
 * NATIONAL_WAREHOUSE_CONFIG, JSON), or undefined: then the simulator stands in.
 */
export function configuredNationalWarehouse(
  env: NodeJS.ProcessEnv = process.env,
): NationalWarehouseConfigInput | undefined {
  const baseUrl = env.NATIONAL_WAREHOUSE_URL;
  if (!baseUrl) return undefined;
  return { ...(JSON.parse(env.NATIONAL_WAREHOUSE_CONFIG ?? '{}') as NationalWarehouseConfigInput), baseUrl };
}

export async function startLocalNationalWarehouse(
  configured: NationalWarehouseConfigInput | undefined,
): Promise<LocalNationalWarehouse> {
  if (configured) return { config: configured, close: async () => {} };
  const simulator = await startNationalWarehouseSimulator();
  for (const account of seedAccounts) {
    if (account.claims.role !== 'citizen') continue;
    simulator.seedResults(account.claims.ownerId, await seedPapers(account.claims.ownerId, account.name));
  }
  return { config: simulator.clientConfig(), simulator, close: () => simulator.close() };
}

/** A one-page PDF naming the paper (the standard fonts have no Vietnamese diacritics, so the text is plain). */
export async function paperPdf(lines: string[]): Promise<Uint8Array> {
  const pdf = await PDFDocument.create();
  const font = await pdf.embedFont(StandardFonts.Helvetica);
  const page = pdf.addPage([595, 842]);
  lines.forEach((line, index) => page.drawText(line, { x: 56, y: 780 - index * 22, size: 13, font }));
  return pdf.save();
}

async function seedPapers(ownerId: string, holder: string): Promise<SeededResult[]> {
  const ascii = holder
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/[Đđ]/g, 'D');
  const papers = [
    {
      resultTypeCode: 'KQ.G15.000031',
      name: 'Giấy khai sinh (bản sao điện tử)',
      number: `${ownerId.slice(-4)}/2015/KS`,
      issuingBody: '000.00.01.H22',
      title: 'Birth certificate (electronic copy)',
    },
    {
      resultTypeCode: 'KQ.G02.000112',
      name: 'Giấy xác nhận thông tin về cư trú',
      number: `CT01-${ownerId.slice(-6)}`,
      issuingBody: '000.00.06.H22',
      title: 'Confirmation of residence information',
    },
    {
      resultTypeCode: 'KQ.G11.000007',
      name: 'Phiếu lý lịch tư pháp số 1',
      number: `LLTP-${ownerId.slice(-5)}/2024`,
      issuingBody: '000.00.12.H22',
      title: 'Judicial record certificate no. 1',
    },
  ];
  return Promise.all(
    papers.map(async ({ title, ...paper }) => ({
      ...paper,
      files: [
        {
          name: `${paper.resultTypeCode}.pdf`,
          path: `/kho/${ownerId}/${paper.resultTypeCode}.pdf`,
          content: await paperPdf([
            title,
            `Holder: ${ascii}`,
            `Number: ${paper.number}`,
            `Issued by ${paper.issuingBody}`,
          ]),
        },
      ],
    })),
  );
}
