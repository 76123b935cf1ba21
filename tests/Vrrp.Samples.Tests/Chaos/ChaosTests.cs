using Vrrp.Linux.Tests.Lab;

namespace Vrrp.Samples.Tests.Chaos;

/// <summary>The chaos run alone, after the parallel tests: its checks measure convergence against protocol timers.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ChaosCollection
{
    public const string Name = "Chaos";
}

/// <summary>
/// A seeded random schedule of faults on three routers (vrrpd, and keepalived 2.2.7 in some phases) on a namespace
/// LAN: see <see cref="ChaosRunner"/> for what is checked and <see cref="ChaosOptions"/> for the environment
/// variables. CI runs a bounded number of rounds; <c>tests/chaos-soak.sh</c> runs the same test for as long as asked.
/// </summary>
[Collection(ChaosCollection.Name)]
public sealed class ChaosTests
{
    [Fact]
    public void Random_faults_leave_one_VIP_holder_per_connected_group_the_highest_priority_one()
    {
        LabProcess.RequireRootAnd("ip", "nft");
        var options = ChaosOptions.FromEnvironment();
        using var log = options.LogFile is null ? null : new StreamWriter(options.LogFile, append: true) { AutoFlush = true };
        void Print(string line)
        {
            string stamped = $"{DateTime.Now:HH:mm:ss.fff} {line}";
            TestContext.Current.TestOutputHelper?.WriteLine(stamped);
            log?.WriteLine(stamped);
        }

        var runner = new ChaosRunner(options, Print);
        try
        {
            runner.Run(TestContext.Current.CancellationToken);
        }
        catch (ChaosException failure)
        {
            Print(failure.Message);
            Assert.Fail(failure.Message);
        }

        Assert.True(runner.Rounds > 0, "no round ran");
    }
}
