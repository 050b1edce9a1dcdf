'use client';

import { MAX_OPTION_VALUES, MAX_OPTIONS } from '@commerce/core/schemas';
import { useId, useState, type ClipboardEvent, type KeyboardEvent } from 'react';
import { addValues, type OptionDraft } from '@/lib/variants';
import { Button, cx, described, Field, inputClass } from './ui';

const suggestions = ['Size', 'Color', 'Material', 'Style'];

/** Values as chips: type one and press Enter or comma, or paste "S, M, L"; × takes one away. */
function ValuesInput({
  id,
  option,
  values,
  onChange,
  invalid,
  describedBy,
  autoFocus,
}: {
  autoFocus?: boolean;
  id: string;
  option: string;
  values: string[];
  onChange: (values: string[]) => void;
  invalid: boolean;
  describedBy: string;
}) {
  const [text, setText] = useState('');
  const full = values.length >= MAX_OPTION_VALUES;
  const commit = (more: string) => {
    if (more.trim()) onChange(addValues(values, more));
    setText('');
  };
  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter' || event.key === ',') {
      // Enter adds the value; it must not submit the product form.
      event.preventDefault();
      commit(text);
    } else if (event.key === 'Backspace' && text === '' && values.length > 0) {
      onChange(values.slice(0, -1));
    }
  };
  const onPaste = (event: ClipboardEvent<HTMLInputElement>) => {
    const pasted = event.clipboardData.getData('text');
    if (!pasted.includes(',')) return;
    event.preventDefault();
    commit(`${text},${pasted}`);
  };
  return (
    <div className={cx(inputClass, 'flex flex-wrap items-center gap-1.5 py-1.5', invalid && 'border-red-500')}>
      <ul className="contents" aria-label={`Values of ${option || 'this option'}`}>
        {values.map((value) => (
          <li key={value} className="inline-flex items-center gap-1 rounded-full bg-indigo-50 py-0.5 pl-2.5 pr-1 text-sm text-indigo-900 ring-1 ring-inset ring-indigo-200">
            {value}
            <button
              type="button"
              onClick={() => onChange(values.filter((v) => v !== value))}
              aria-label={`Remove ${option ? `${option} ` : ''}${value}`}
              className="inline-flex size-6 items-center justify-center rounded-full text-indigo-700 hover:bg-indigo-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
            >
              <span aria-hidden>×</span>
            </button>
          </li>
        ))}
      </ul>
      <input
        id={id}
        autoFocus={autoFocus}
        value={text}
        disabled={full}
        onChange={(e) => (e.target.value.includes(',') ? commit(e.target.value) : setText(e.target.value))}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
        onBlur={() => commit(text)}
        maxLength={100}
        aria-invalid={invalid || undefined}
        aria-describedby={describedBy}
        placeholder={full ? `${MAX_OPTION_VALUES} values at most` : values.length ? 'Add another' : 'e.g. S, M, L'}
        className="min-w-24 flex-1 border-0 bg-transparent p-1 text-sm outline-none placeholder:text-slate-500 disabled:cursor-not-allowed"
      />
    </div>
  );
}

/**
 * Up to three options (Size, Color…), each with its values. On a product already sold, an
 * option's name stays as it is and the option stays (its variants carry it); values can be added
 * and removed, and new options added.
 */
export function OptionsEditor({
  options,
  onChange,
  savedNames,
  errors,
}: {
  options: OptionDraft[];
  onChange: (options: OptionDraft[]) => void;
  /** Names of the options the product already has. */
  savedNames: readonly string[];
  /** Messages keyed `options`, `options.<i>.name`, `options.<i>.values`. */
  errors: Record<string, string>;
}) {
  const base = useId();
  // An option added by the button takes the focus in its values, where typing starts.
  const [added, setAdded] = useState<string>();
  const update = (index: number, change: Partial<OptionDraft>) => onChange(options.map((o, i) => (i === index ? { ...o, ...change } : o)));
  const unused = suggestions.filter((name) => !options.some((o) => o.name.trim().toLowerCase() === name.toLowerCase()));
  const add = () => {
    const id = `${base}-${Date.now()}`;
    setAdded(id);
    onChange([...options, { id, name: options.length === 0 ? 'Size' : (unused[0] ?? ''), values: [] }]);
  };

  return (
    <div className="space-y-4">
      {options.map((option, index) => {
        const saved = savedNames.includes(option.name) && option.id.startsWith('saved-');
        const nameId = `option-${index}-name`;
        const valuesId = `option-${index}-values`;
        const nameError = errors[`options.${index}.name`];
        const valuesError = errors[`options.${index}.values`];
        return (
          <fieldset key={option.id} className="rounded-md border border-slate-200 p-3">
            <legend className="px-1 text-xs font-semibold uppercase tracking-wide text-slate-600">Option {index + 1}</legend>
            <div className="grid gap-3 sm:grid-cols-[12rem_minmax(0,1fr)]">
              <Field id={nameId} label="Option name" error={nameError} {...(saved && { hint: 'Its variants carry this name' })}>
                <input
                  {...described(nameId, nameError)}
                  list={`${base}-names`}
                  value={option.name}
                  readOnly={saved}
                  onChange={(e) => update(index, { name: e.target.value })}
                  maxLength={50}
                  className={cx(inputClass, saved && 'bg-slate-50 text-slate-700')}
                />
              </Field>
              <Field id={valuesId} label="Values" error={valuesError} hint="Press Enter or type a comma after each value">
                <ValuesInput
                  id={valuesId}
                  option={option.name}
                  values={option.values}
                  onChange={(values) => update(index, { values })}
                  invalid={Boolean(valuesError)}
                  autoFocus={option.id === added}
                  describedBy={valuesError ? `${valuesId}-error` : `${valuesId}-hint`}
                />
              </Field>
            </div>
            {!saved && (
              <div className="mt-2 flex justify-end">
                <Button kind="ghost" className="min-h-8 px-2 py-1 text-red-700 hover:bg-red-50" onClick={() => onChange(options.filter((_, i) => i !== index))}>
                  Remove option {option.name ? `“${option.name}”` : index + 1}
                </Button>
              </div>
            )}
          </fieldset>
        );
      })}
      {errors.options ? (
        <p className="text-sm text-red-700" role="alert">
          {errors.options}
        </p>
      ) : null}
      <datalist id={`${base}-names`}>
        {unused.map((name) => (
          <option key={name} value={name} />
        ))}
      </datalist>
      {options.length < MAX_OPTIONS ? (
        <Button onClick={add}>{options.length === 0 ? 'Add options like size or color' : 'Add another option'}</Button>
      ) : (
        <p className="text-xs text-slate-600">A product has at most {MAX_OPTIONS} options.</p>
      )}
    </div>
  );
}
