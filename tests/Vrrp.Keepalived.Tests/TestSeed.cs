using System.Globalization;

namespace Vrrp.Keepalived.Tests;

/// <summary>The seed of a randomised test: VRRP_TEST_SEED when set (to rerun a failure), else a new one; always printed.</summary>
internal static class TestSeed
{
    public static int Next()
    {
        int seed = Environment.GetEnvironmentVariable("VRRP_TEST_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed} (rerun with VRRP_TEST_SEED={seed})");
        return seed;
    }
}
