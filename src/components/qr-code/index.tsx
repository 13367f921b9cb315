import { useMemo } from 'react';
import { View } from '@tarojs/components';
import { create } from 'qrcode';
import './index.scss';

export interface QrCodeProps {
  /** What the code holds. */
  value: string;
  /** Read out instead of the picture. */
  label: string;
}

/** The modules of a QR code (error correction M), row by row, with the 4-module quiet zone. */
export function qrRows(value: string): boolean[][] {
  const { modules } = create(value, { errorCorrectionLevel: 'M' });
  const quiet = 4;
  const size = modules.size + quiet * 2;
  const rows: boolean[][] = [];
  for (let y = 0; y < size; y += 1) {
    const row: boolean[] = [];
    for (let x = 0; x < size; x += 1) {
      const inside = x >= quiet && y >= quiet && x < size - quiet && y < size - quiet;
      row.push(inside && modules.get(y - quiet, x - quiet) === 1);
    }
    rows.push(row);
  }
  return rows;
}

/**
 * A real, scannable QR code made by the `qrcode` library. In the mini-program its modules are
 * drawn as views (no canvas to size and export); H5 shows an image (index.h5.tsx).
 */
export default function QrCode({ value, label }: QrCodeProps) {
  const rows = useMemo(() => qrRows(value), [value]);
  return (
    <View className='qr-code' aria-label={label}>
      {rows.map((row, y) => (
        <View key={y} className='qr-code__row'>
          {row.map((on, x) => (
            <View key={x} className={on ? 'qr-code__cell qr-code__cell--on' : 'qr-code__cell'} />
          ))}
        </View>
      ))}
    </View>
  );
}
