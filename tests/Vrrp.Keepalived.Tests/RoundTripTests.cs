using System.Globalization;
using Vrrp.Keepalived;
using Vrrp.Hosting;
using Vrrp.Packets;

namespace Vrrp.Keepalived.Tests;

/// <summary>options -> KeepalivedConfigWriter -> KeepalivedConfigReader -> equal options, on large random configurations.</summary>
[Trait("Rfc", "9568-7.2-a")]
public class RoundTripTests
{
    [Fact]
    public void A_generated_configuration_of_255_instances_round_trips()
    {
        int seed = TestSeed.Next();

        var options = new ConfigGenerator(seed).Generate(instanceCount: 255);
        string written = KeepalivedConfigWriter.Write(options);
        var result = KeepalivedConfigReader.ReadText(written, "generated.conf");

        Assert.True(result.Diagnostics.Count == 0, $"seed {seed}: {string.Join("\n", result.Diagnostics)}");
        Assert.Equal(255, result.Options.Instances.Count);
        string expected = OptionsText.Of(options);
        string actual = OptionsText.Of(result.Options);
        if (expected != actual)
        {
            Assert.Fail($"seed {seed}: the options changed in the round trip; first difference near:\n{FirstDifference(expected, actual)}");
        }

        // Writing again gives the same text: the writer is deterministic.
        Assert.Equal(written, KeepalivedConfigWriter.Write(result.Options));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(20261124)]
    public void Fixed_seeds_round_trip(int seed)
    {
        var options = new ConfigGenerator(seed).Generate(instanceCount: 40);
        var result = KeepalivedConfigReader.ReadText(KeepalivedConfigWriter.Write(options), "generated.conf");
        Assert.Empty(result.Diagnostics);
        Assert.Equal(OptionsText.Of(options), OptionsText.Of(result.Options));
    }

    private static string FirstDifference(string expected, string actual)
    {
        int i = 0;
        while (i < expected.Length && i < actual.Length && expected[i] == actual[i])
        {
            i++;
        }

        int from = Math.Max(0, i - 300);
        return $"expected: ...{expected[from..Math.Min(expected.Length, i + 200)]}\nactual:   ...{actual[from..Math.Min(actual.Length, i + 200)]}";
    }
}
