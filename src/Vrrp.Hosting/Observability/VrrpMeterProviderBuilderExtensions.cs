using Vrrp.Hosting;

namespace OpenTelemetry.Metrics;

/// <summary>OpenTelemetry: <c>.WithMetrics(m =&gt; m.AddVrrpInstrumentation())</c>.</summary>
public static class VrrpMeterProviderBuilderExtensions
{
    /// <summary>
    /// Collects the library's metrics: the meter <c>Vrrp</c> (<see cref="VrrpInstrumentNames"/>: states, transitions,
    /// adverts, drops, priorities, time as master, held addresses, drains, version mismatches). The same as
    /// <c>.AddMeter("Vrrp")</c>, without the string.
    /// </summary>
    /// <param name="builder">The meter provider builder.</param>
    /// <returns>The builder.</returns>
    /// <exception cref="ArgumentNullException"><paramref name="builder"/> is null.</exception>
    public static MeterProviderBuilder AddVrrpInstrumentation(this MeterProviderBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddMeter(VrrpInstrumentNames.MeterName);
    }
}
