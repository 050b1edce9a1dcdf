'use client';

import { categoryInput } from '@commerce/core/schemas';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { toast } from 'sonner';
import { Button, Card, described, EmptyState, ErrorState, Field, Input, PageHeader, Select, TableSkeleton } from '@/components/ui';
import { validate, type FieldErrors } from '@/lib/forms';
import { errorMessage, useTRPC } from '@/lib/trpc';
import { useCategories, type CategoryOption } from '@/lib/use-categories';

/** Parents a category may move under: anything but itself and its own subtree (the server refuses cycles too). */
function possibleParents(all: CategoryOption[], category: CategoryOption) {
  return all.filter((c) => c.id !== category.id && !c.path.startsWith(`${category.path} › `));
}

function useCategoryMutations() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.categories.list.queryKey() });
  const onError = (e: unknown) => toast.error(errorMessage(e));
  return {
    create: useMutation(trpc.categories.create.mutationOptions({ onSuccess: (c) => (toast.success(`Created ${c.name}`), refresh()), onError })),
    update: useMutation(trpc.categories.update.mutationOptions({ onSuccess: (c) => (toast.success(`Saved ${c.name}`), refresh()), onError })),
    remove: useMutation(trpc.categories.delete.mutationOptions({ onSuccess: (c) => (toast.success(`Deleted ${c.name}`), refresh()), onError })),
  };
}

function CategoryRow({ category, all }: { category: CategoryOption; all: CategoryOption[] }) {
  const { update, remove } = useCategoryMutations();
  const [editing, setEditing] = useState(false);
  const [error, setError] = useState<string>();
  const field = `category-${category.id}`;

  const save = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const parent = String(form.get('parentId') ?? '');
    const result = validate(categoryInput, { name: form.get('name'), parentId: parent ? Number(parent) : null });
    setError(result.errors ? Object.values(result.errors)[0] : undefined);
    if (result.data) update.mutate({ id: category.id, ...result.data }, { onSuccess: () => setEditing(false), onError: (e) => setError(errorMessage(e)) });
  };

  return (
    <li className="border-b border-slate-100 last:border-0">
      {editing ? (
        <form onSubmit={save} noValidate className="grid gap-3 bg-slate-50 p-4 sm:grid-cols-[1fr_1fr_auto]" aria-label={`Edit ${category.name}`}>
          <Field id={`${field}-name`} label="Name" error={error}>
            <Input {...described(`${field}-name`, error)} name="name" defaultValue={category.name} maxLength={100} autoFocus />
          </Field>
          <Field id={`${field}-parent`} label="Parent">
            <Select id={`${field}-parent`} name="parentId" defaultValue={category.parentId ?? ''}>
              <option value="">None (top level)</option>
              {possibleParents(all, category).map((c) => (
                <option key={c.id} value={c.id}>
                  {c.path}
                </option>
              ))}
            </Select>
          </Field>
          <div className="flex items-end gap-2">
            <Button kind="primary" type="submit" busy={update.isPending}>
              Save
            </Button>
            <Button onClick={() => (setEditing(false), setError(undefined))}>Cancel</Button>
          </div>
        </form>
      ) : (
        <div className="flex flex-wrap items-center justify-between gap-2 px-4 py-2.5" style={{ paddingLeft: `${1 + category.depth * 1.5}rem` }}>
          <span className="text-sm font-medium text-slate-900">
            {category.depth > 0 ? <span className="mr-1 text-slate-400" aria-hidden>└</span> : null}
            {category.name}
          </span>
          <div className="flex gap-2">
            <Button kind="ghost" aria-label={`Rename or move ${category.name}`} onClick={() => setEditing(true)}>
              Edit
            </Button>
            <Button
              kind="ghost"
              className="text-red-700 hover:bg-red-50"
              aria-label={`Delete ${category.name}`}
              busy={remove.isPending}
              onClick={() => remove.mutate({ id: category.id })}
            >
              Delete
            </Button>
          </div>
        </div>
      )}
    </li>
  );
}

export default function CategoriesPage() {
  const { query, options } = useCategories();
  const { create } = useCategoryMutations();
  const [errors, setErrors] = useState<FieldErrors>({});

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const parent = String(form.get('parentId') ?? '');
    const result = validate(categoryInput, { name: form.get('name'), parentId: parent ? Number(parent) : null });
    setErrors(result.errors ?? {});
    if (result.data) create.mutate(result.data, { onSuccess: () => formElement.reset() });
  };

  return (
    <>
      <PageHeader title="Categories" description="A category with subcategories or products cannot be deleted: move them first." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,1fr)]">
        <Card title="Category tree">
          {query.isPending ? (
            <TableSkeleton rows={6} label="Loading categories" />
          ) : query.isError ? (
            <ErrorState error={query.error} onRetry={() => void query.refetch()} what="categories" />
          ) : options.length === 0 ? (
            <EmptyState>No categories yet. Create the first one.</EmptyState>
          ) : (
            <ul aria-label="Categories">
              {options.map((c) => (
                <CategoryRow key={c.id} category={c} all={options} />
              ))}
            </ul>
          )}
        </Card>
        <Card title="New category">
          <form onSubmit={submit} noValidate className="space-y-4 p-4">
            <Field id="new-category-name" label="Name" error={errors.name}>
              <Input {...described('new-category-name', errors.name)} name="name" maxLength={100} />
            </Field>
            <Field id="new-category-parent" label="Parent" error={errors.parentId}>
              <Select id="new-category-parent" name="parentId" defaultValue="">
                <option value="">None (top level)</option>
                {options.map((c) => (
                  <option key={c.id} value={c.id}>
                    {c.path}
                  </option>
                ))}
              </Select>
            </Field>
            <Button kind="primary" type="submit" busy={create.isPending}>
              Create category
            </Button>
          </form>
        </Card>
      </div>
    </>
  );
}
