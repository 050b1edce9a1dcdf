'use client';

import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { errorMessage, useTRPC, type RouterOutputs } from '@/lib/trpc';
import { Thumb } from './thumb';
import { Button, Card, described, Field, Input } from './ui';

type Product = RouterOutputs['products']['byId'];
type ProductImage = Product['images'][number];

const accepted = 'image/jpeg,image/png,image/webp,image/avif';

/** The server's sentence from a failed upload's JSON body (`message`), or a general one. */
async function uploadFailure(response: Response): Promise<string> {
  const body: unknown = await response.json().catch(() => null);
  const message = body && typeof body === 'object' && 'message' in body ? body.message : undefined;
  if (typeof message === 'string' && message.trim() && response.status < 500) return message;
  if (response.status === 413) return 'The image is too large.';
  return 'The server could not store the image. Try again in a moment.';
}

/** The product's images: upload one (multipart, through the admin's /api), or remove one. */
export function ImagesCard({ product }: { product: Product }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [alt, setAlt] = useState('');
  const [preview, setPreview] = useState<string | null>(null);
  const [uploadError, setUploadError] = useState<string | undefined>();
  const [inputKey, setInputKey] = useState(0);

  // The preview's object URL is let go when another file replaces it and when the card unmounts.
  useEffect(() => {
    if (!preview) return;
    return () => URL.revokeObjectURL(preview);
  }, [preview]);

  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.products.byId.queryKey({ id: product.id }) }),
      queryClient.invalidateQueries({ queryKey: trpc.products.list.pathKey() }),
    ]);

  const choose = (next: File | null) => {
    setFile(next);
    setPreview(next ? URL.createObjectURL(next) : null);
    setUploadError(undefined);
  };

  const upload = useMutation({
    mutationFn: async (form: FormData) => {
      let response: Response;
      try {
        response = await fetch(`/api/products/${product.id}/images`, { method: 'POST', body: form, credentials: 'same-origin' });
      } catch {
        throw new Error('Could not reach the server. Check your connection and try again.');
      }
      if (!response.ok) throw new Error(await uploadFailure(response));
    },
    onSuccess: async () => {
      toast.success('Image uploaded');
      choose(null);
      setAlt('');
      setInputKey((k) => k + 1);
      await refresh();
    },
    onError: (error) => {
      setUploadError(error.message);
      toast.error(error.message);
    },
  });

  const remove = useMutation(
    trpc.productImages.delete.mutationOptions({
      onSuccess: async () => {
        toast.success('Image removed');
        await refresh();
      },
      onError: (error) => toast.error(errorMessage(error)),
    }),
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    if (!file) {
      setUploadError('Choose an image file first.');
      return;
    }
    const form = new FormData();
    form.append('file', file);
    if (alt.trim()) form.append('alt', alt.trim());
    upload.mutate(form);
  };

  const confirmRemove = (image: ProductImage, label: string) => {
    if (window.confirm(`Remove ${label}? It is deleted from storage too.`)) remove.mutate({ id: product.id, imageId: image.id });
  };

  return (
    <Card title="Images">
      {product.images.length === 0 ? (
        <p className="p-4 text-sm text-slate-600">No images yet.</p>
      ) : (
        <ul className="grid grid-cols-2 gap-3 p-4 sm:grid-cols-3">
          {product.images.map((image, index) => {
            const label = image.alt ? `image “${image.alt}”` : `image ${index + 1}`;
            const removing = remove.isPending && remove.variables?.imageId === image.id;
            return (
              <li key={image.id} className="flex min-w-0 flex-col gap-1.5">
                <Thumb src={image.sizes.thumb} alt={image.alt || `${product.name}, image ${index + 1}`} className="aspect-square w-full" />
                <Button kind="ghost" className="w-full text-red-700" busy={removing} disabled={remove.isPending} aria-label={`Remove ${label}`} onClick={() => confirmRemove(image, label)}>
                  Remove
                </Button>
              </li>
            );
          })}
        </ul>
      )}
      <form onSubmit={submit} className="space-y-3 border-t border-slate-200 p-4" aria-label="Upload an image" noValidate>
        <Field id="image-file" label="Image file" error={uploadError} hint="JPEG, PNG, WebP or AVIF">
          <Input
            key={inputKey}
            type="file"
            accept={accepted}
            {...described('image-file', uploadError)}
            aria-describedby={uploadError ? 'image-file-error' : 'image-file-hint'}
            onChange={(event) => choose(event.target.files?.[0] ?? null)}
            className="file:mr-3 file:rounded file:border-0 file:bg-slate-100 file:px-2 file:py-1 file:text-sm"
          />
        </Field>
        {preview ? (
          <figure className="flex items-center gap-3">
            <img src={preview} alt={`Preview of ${file?.name ?? 'the chosen image'}`} className="size-20 shrink-0 rounded border border-slate-200 object-cover" />
            <figcaption className="min-w-0 break-all text-xs text-slate-600">{file?.name}</figcaption>
          </figure>
        ) : null}
        <Field id="image-alt" label="Alt text (optional)" hint="Describes the image for people who cannot see it">
          <Input id="image-alt" value={alt} maxLength={300} onChange={(event) => setAlt(event.target.value)} aria-describedby="image-alt-hint" />
        </Field>
        <Button type="submit" kind="primary" busy={upload.isPending} disabled={!file} className="w-full sm:w-auto">
          {upload.isPending ? 'Uploading…' : 'Upload image'}
        </Button>
      </form>
    </Card>
  );
}
