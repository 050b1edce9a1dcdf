'use client';

import { loginInput } from '@commerce/core/schemas';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useRouter, useSearchParams } from 'next/navigation';
import { useState, type FormEvent } from 'react';
import { Button, Card, described, Field, Input } from '@/components/ui';
import { validate, type FieldErrors } from '@/lib/forms';
import { errorMessage, useTRPC } from '@/lib/trpc';

/** Only same-site paths: a crafted ?next= must not send a signed-in admin elsewhere. */
const safeNext = (next: string | null) => (next && next.startsWith('/') && !next.startsWith('//') ? next : '/');

export function LoginForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const params = useSearchParams();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [refusal, setRefusal] = useState<string | null>(null);
  const login = useMutation(
    trpc.staffSession.login.mutationOptions({
      onSuccess: () => {
        queryClient.clear();
        router.replace(safeNext(params.get('next')));
      },
      onError: (error) => setRefusal(errorMessage(error)),
    }),
  );

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const result = validate(loginInput, { email: form.get('email'), password: form.get('password') });
    setRefusal(null);
    setErrors(result.errors ?? {});
    if (result.data) login.mutate(result.data);
  };

  return (
    <Card className="p-6">
      <form onSubmit={submit} noValidate className="space-y-4">
        {refusal ? (
          <div role="alert" className="rounded-md border border-red-200 bg-red-50 p-3 text-sm text-red-800">
            {refusal}
          </div>
        ) : null}
        <Field id="email" label="Email" error={errors.email}>
          <Input {...described('email', errors.email)} name="email" type="email" autoComplete="username" required />
        </Field>
        <Field id="password" label="Password" error={errors.password}>
          <Input {...described('password', errors.password)} name="password" type="password" autoComplete="current-password" required />
        </Field>
        <Button kind="primary" type="submit" className="w-full" busy={login.isPending}>
          Sign in
        </Button>
      </form>
    </Card>
  );
}
