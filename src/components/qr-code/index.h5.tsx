import { useEffect, useState } from 'react';
import { toDataURL } from 'qrcode';
import type { QrCodeProps } from './index';
import './index.scss';

export { qrRows } from './index';

/** A real, scannable QR code made by the `qrcode` library, as an <img> (a PNG data URL). */
export default function QrCode({ value, label }: QrCodeProps) {
  const [src, setSrc] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    void toDataURL(value, { errorCorrectionLevel: 'M', margin: 4, scale: 8 }).then((url) => {
      if (live) setSrc(url);
    });
    return () => {
      live = false;
    };
  }, [value]);
  return (
    <div className='qr-code'>
      {src ? <img className='qr-code__image' src={src} alt={label} /> : <div className='qr-code__placeholder' role='img' aria-label={label} />}
    </div>
  );
}
