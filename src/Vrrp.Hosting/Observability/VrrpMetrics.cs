using System.Diagnostics.Metrics;
using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Hosting;

/// <summary>The library's instruments (names in <see cref="VrrpInstrumentNames"/>), fed by the hosting layer.</summary>
internal sealed class VrrpMetrics
{
    private readonly Counter<long> _transitions;
    private Func<IReadOnlyList<VrrpInstanceStatus>> _statuses = static () => [];
    private Func<IReadOnlyDictionary<DropReason, long>> _unattributed = static () => new Dictionary<DropReason, long>();

    /// <param name="meterFactory">The host's meter factory; without one (a bare service collection) a standalone meter is used.</param>
    public VrrpMetrics(IMeterFactory? meterFactory)
    {
        var meter = meterFactory?.Create(VrrpInstrumentNames.MeterName) ?? new Meter(VrrpInstrumentNames.MeterName);
        _transitions = meter.CreateCounter<long>(VrrpInstrumentNames.Transitions, "{transition}", "State changes of the virtual routers.");
        // Per-packet counts are read from the driver's counters when collected: nothing runs per packet for metrics.
        meter.CreateObservableCounter(VrrpInstrumentNames.AdvertisementsSent, () => PerInstance(s => s.AdvertisementsSent), "{advertisement}", "Advertisements sent.");
        meter.CreateObservableCounter(VrrpInstrumentNames.AdvertisementsReceived, () => PerInstance(s => s.AdvertisementsReceived), "{advertisement}", "Valid advertisements received.");
        meter.CreateObservableCounter(VrrpInstrumentNames.Drops, ObserveDrops, "{packet}", "Received packets dropped, by reason.");
        meter.CreateObservableGauge(VrrpInstrumentNames.State, ObserveStates, "{state}", "Current state (0 Initialize, 1 Backup, 2 Master, 3 Fault, 4 Stopped).");
        meter.CreateObservableGauge(VrrpInstrumentNames.StateCurrent, ObserveStateSet, "{state}", "1 for the state the instance is in, 0 for the others (tag vrrp.state).");
        meter.CreateObservableGauge(VrrpInstrumentNames.VirtualAddressesHeld, () => Flags(static s => s.HoldsVirtualAddresses), "{instance}", "1 while this node holds the virtual addresses.");
        meter.CreateObservableGauge(VrrpInstrumentNames.VersionMismatch, () => Flags(static s => s.VersionMismatch is not null), "{instance}", "1 while a peer on the same VRID speaks the other VRRP version.");
        meter.CreateObservableGauge(VrrpInstrumentNames.SplitBrain, () => Flags(static s => s.SplitBrain is not null), "{instance}", "1 while this master hears another master that does not step down.");
        meter.CreateObservableCounter(VrrpInstrumentNames.SplitBrainEpisodes, () => PerInstance(static s => s.SplitBrainEpisodes), "{episode}", "Split-brain episodes: another master kept advertising after this master's answer.");
        meter.CreateObservableGauge(VrrpInstrumentNames.Drained, () => Flags(static s => s.IsDrained), "{instance}", "1 while an operator has drained the instance.");
        meter.CreateObservableGauge(VrrpInstrumentNames.EffectivePriority, ObservePriorities, "{priority}", "Effective priority.");
        meter.CreateObservableCounter(VrrpInstrumentNames.MasterTime, ObserveMasterTime, "s", "Time spent as master.");
    }

    /// <summary>Where the observable instruments read the instances' status (and the drops no instance owns) from.</summary>
    public void SetStatusSource(Func<IReadOnlyList<VrrpInstanceStatus>> statuses, Func<IReadOnlyDictionary<DropReason, long>>? unattributed = null)
    {
        _statuses = statuses;
        _unattributed = unattributed ?? (static () => new Dictionary<DropReason, long>());
    }

    public void Transition(string instance, VrrpState previous, VrrpState state) =>
        _transitions.Add(1, new(VrrpInstrumentNames.InstanceTag, instance), new(VrrpInstrumentNames.StateTag, StateName(state)));

    private IEnumerable<Measurement<long>> PerInstance(Func<VrrpInstanceStatus, long> value)
    {
        foreach (var s in _statuses())
        {
            yield return new Measurement<long>(value(s), new KeyValuePair<string, object?>(VrrpInstrumentNames.InstanceTag, s.Name));
        }
    }

    private IEnumerable<Measurement<long>> ObserveDrops()
    {
        foreach (var s in _statuses())
        {
            foreach (var (reason, count) in s.Drops)
            {
                yield return new Measurement<long>(count, new(VrrpInstrumentNames.InstanceTag, s.Name), new(VrrpInstrumentNames.ReasonTag, ReasonName(reason)));
            }
        }

        foreach (var (reason, count) in _unattributed())
        {
            yield return new Measurement<long>(count, new(VrrpInstrumentNames.InstanceTag, ""), new(VrrpInstrumentNames.ReasonTag, ReasonName(reason)));
        }
    }

    private IEnumerable<Measurement<int>> ObserveStates()
    {
        foreach (var s in _statuses())
        {
            yield return new Measurement<int>((int)s.State, new KeyValuePair<string, object?>(VrrpInstrumentNames.InstanceTag, s.Name));
        }
    }

    private IEnumerable<Measurement<int>> ObserveStateSet()
    {
        foreach (var s in _statuses())
        {
            for (int state = 0; state < StateNames.Length; state++)
            {
                yield return new Measurement<int>(
                    (int)s.State == state ? 1 : 0,
                    new(VrrpInstrumentNames.InstanceTag, s.Name),
                    new(VrrpInstrumentNames.StateTag, StateNames[state]));
            }
        }
    }

    private IEnumerable<Measurement<int>> Flags(Func<VrrpInstanceStatus, bool> flag)
    {
        foreach (var s in _statuses())
        {
            yield return new Measurement<int>(flag(s) ? 1 : 0, new KeyValuePair<string, object?>(VrrpInstrumentNames.InstanceTag, s.Name));
        }
    }

    private IEnumerable<Measurement<int>> ObservePriorities()
    {
        foreach (var s in _statuses())
        {
            yield return new Measurement<int>(s.EffectivePriority, new KeyValuePair<string, object?>(VrrpInstrumentNames.InstanceTag, s.Name));
        }
    }

    private IEnumerable<Measurement<double>> ObserveMasterTime()
    {
        foreach (var s in _statuses())
        {
            yield return new Measurement<double>(s.TimeAsMaster.TotalSeconds, new KeyValuePair<string, object?>(VrrpInstrumentNames.InstanceTag, s.Name));
        }
    }

    // Cached names: no enum-to-string allocation per packet.
    private static readonly string[] ReasonNames = Enum.GetNames<DropReason>();
    private static readonly string[] StateNames = Enum.GetNames<VrrpState>();

    private static string ReasonName(DropReason reason) => (uint)reason < (uint)ReasonNames.Length ? ReasonNames[(int)reason] : ((int)reason).ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string StateName(VrrpState state) => (uint)state < (uint)StateNames.Length ? StateNames[(int)state] : ((int)state).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
