import { AppError } from '../errors';
import type { PaymentProvider } from './provider';

/**
 * The payment providers this server has configured, by name. The first is the default for
 * POST /orders/{id}/pay without a `provider`; every stored payment is refunded, cancelled and
 * heard from through the provider whose name it carries.
 */
export class PaymentProviders {
  private readonly byName: ReadonlyMap<string, PaymentProvider>;
  readonly default: PaymentProvider;

  constructor(providers: readonly PaymentProvider[]) {
    const [first] = providers;
    if (!first) throw new Error('PaymentProviders needs at least one provider');
    this.byName = new Map(providers.map((provider) => [provider.name, provider]));
    if (this.byName.size !== providers.length) throw new Error('PaymentProviders: two providers share a name');
    this.default = first;
  }

  get names(): string[] {
    return [...this.byName.keys()];
  }

  get(name: string): PaymentProvider | undefined {
    return this.byName.get(name);
  }

  /** The provider a customer asked for: one of those configured, else a 400 naming them. */
  choose(name: string | undefined): PaymentProvider {
    if (name === undefined) return this.default;
    const provider = this.byName.get(name);
    if (!provider) {
      throw new AppError('BAD_REQUEST', `provider: ${name} is not configured on this server; choose one of ${this.names.join(', ')}`, {
        field: 'provider',
      });
    }
    return provider;
  }

  /** The provider that takes webhooks at /api/webhooks/{name}, or undefined (the route is then a 404). */
  webhookReceiver(name: string): PaymentProvider | undefined {
    const provider = this.byName.get(name);
    return provider?.webhooks ? provider : undefined;
  }
}
