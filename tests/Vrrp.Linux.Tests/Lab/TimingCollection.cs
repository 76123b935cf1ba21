namespace Vrrp.Linux.Tests.Lab;

/// <summary>
/// Tests that measure takeover times against the protocol bound (+20 ms) run alone, after the parallel tests, so that
/// other tests' CPU use (the machine has 2 cores) does not show up as timer lateness.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class TimingCollection
{
    public const string Name = "Timing";
}
