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
        int seed = Environment.GetEnvironmentVariable("VRRP_TEST_SEED") is { } fixedSeed
            ? int.Parse(fixedSeed, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        TestContext.Current.TestOutputHelper?.WriteLine($"seed {seed} (rerun with VRRP_TEST_SEED={seed})");

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

/// <summary>Random but seeded options that keepalived.conf can express (what the reader would otherwise adjust is avoided).</summary>
internal sealed class ConfigGenerator(int seed)
{
    private const string Plain = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:";
    // keepalived.conf words hold neither a double quote nor a line break (and a quoted word cannot end in a backslash);
    // command-line words can hold anything, KeepalivedCommandLine.Join escapes it.
    private const string Awkward = " '#!{}$@~\t;";
    private const string AwkwardCommand = " '\"#!{}$@~\\\t;\u0001\u007f";
    private readonly Random _random = new(seed);

    public VrrpOptions Generate(int instanceCount)
    {
        var options = new VrrpOptions
        {
            RouterId = Maybe(() => Word(12, awkward: true)),
            NetworkNamespace = Maybe(() => Word(8)),
            StartupDelay = Chance(0.5) ? TimeSpan.FromMilliseconds(_random.Next(0, 3_600_000)) : TimeSpan.Zero,
        };

        int scripts = _random.Next(0, 8);
        for (int i = 0; i < scripts; i++)
        {
            options.Scripts.Add(new VrrpScriptOptions
            {
                Name = $"chk_{i}_{Word(5)}",
                Command = "/" + Word(10, awkward: Chance(0.3)),
                Arguments = Enumerable.Range(0, _random.Next(0, 5)).Select(_ => Chance(0.1) ? "" : Word(10, awkward: Chance(0.5), awkwardSet: AwkwardCommand)).ToList(),
                Interval = TimeSpan.FromSeconds(_random.Next(1, 4295)),
                Timeout = Chance(0.5) ? TimeSpan.FromSeconds(_random.Next(1, 4295)) : null,
                Weight = _random.Next(-253, 254),
                Rise = _random.Next(1, int.MaxValue),
                Fall = _random.Next(1, int.MaxValue),
                User = Maybe(() => Word(8)),
            });
        }

        int files = _random.Next(0, 5);
        for (int i = 0; i < files; i++)
        {
            options.TrackFiles.Add(new VrrpTrackFileOptions
            {
                Name = $"tf_{i}",
                Path = "/run/" + Word(12, awkward: Chance(0.5)),
                Weight = _random.Next(-254, 255),
            });
        }

        for (int i = 0; i < instanceCount; i++)
        {
            options.Instances.Add(Instance(i, options));
        }

        // Sync groups: a random subset of instances, each in at most one group.
        var pool = options.Instances.Select(static x => x.Name).Where(_ => Chance(0.3)).ToList();
        int groupIndex = 0;
        while (pool.Count >= 2)
        {
            int take = Math.Min(pool.Count, _random.Next(2, 5));
            options.SyncGroups.Add(new VrrpSyncGroupOptions
            {
                Name = $"G{groupIndex++}",
                Instances = pool.Take(take).ToList(),
                NotifyMaster = Maybe(CommandLine),
                NotifyBackup = Maybe(CommandLine),
                NotifyFault = Maybe(CommandLine),
                Notify = Maybe(CommandLine),
            });
            pool.RemoveRange(0, take);
        }

        return options;
    }

    private VrrpInstanceOptions Instance(int index, VrrpOptions options)
    {
        bool ipv6 = Chance(0.3);
        var version = ipv6 || Chance(0.5) ? VrrpVersion.V3 : VrrpVersion.V2;
        bool strict = Chance(0.1);
        var o = new VrrpInstanceOptions
        {
            Name = Chance(0.1) ? $"VI {index} {Word(4, awkward: true)}" : $"VI_{index}",
            Interface = Chance(0.8) ? $"eth{_random.Next(0, 4)}" : $"bond0.{_random.Next(1, 4095)}",
            VirtualRouterId = index + 1,
            Priority = _random.Next(1, 256),
            Version = version,
            AdvertisementInterval = version == VrrpVersion.V2
                ? TimeSpan.FromSeconds(_random.Next(1, 256))
                : TimeSpan.FromMilliseconds(10 * _random.Next(1, 4096)),
            InitialState = _random.Next(3) switch { 0 => null, 1 => VrrpState.Master, _ => VrrpState.Backup },
            NoPreempt = Chance(0.3),
            StrictMode = strict,
            DontTrackPrimary = Chance(0.2),
            NetworkNamespace = Chance(0.1) ? Word(6) : null,
            GarpMasterDelay = TimeSpan.FromSeconds(_random.Next(0, 11)),
            GarpMasterRepeat = _random.Next(1, 256),
            GarpMasterRefresh = Chance(0.3) ? TimeSpan.FromSeconds(_random.Next(0, 86_401)) : TimeSpan.Zero,
            GarpMasterRefreshRepeat = _random.Next(1, 256),
            GarpLowerPriorityDelay = TimeSpan.FromSeconds(_random.Next(0, 4295)),
            GarpLowerPriorityRepeat = _random.Next(1, 256),
            NotifyMaster = Maybe(CommandLine),
            NotifyBackup = Maybe(CommandLine),
            NotifyFault = Maybe(CommandLine),
            NotifyStop = Maybe(CommandLine),
            Notify = Maybe(CommandLine),
        };

        // What keepalived would adjust (and the reader with it) is not generated: nopreempt or preempt_delay with
        // state MASTER, preempt_delay with nopreempt, check_unicast_src without peers.
        if (o.InitialState == VrrpState.Master)
        {
            o.NoPreempt = false;
        }
        else if (!o.NoPreempt && Chance(0.3))
        {
            o.PreemptDelay = TimeSpan.FromMilliseconds(10 * _random.Next(0, 100_001));
        }

        if (version == VrrpVersion.V2 && !strict && Chance(0.4))
        {
            o.AuthenticationType = Chance(0.8) || o.InitialState == VrrpState.Master ? AuthenticationType.SimplePassword : AuthenticationType.IPAuthenticationHeader;
            o.AuthenticationPassword = Word(_random.Next(1, 9), awkward: true, exactLength: true);
        }

        int vips = _random.Next(1, 6);
        for (int i = 0; i < vips; i++)
        {
            Add(o.VirtualAddresses, AddressWithPrefix(ipv6));
        }

        int excluded = _random.Next(0, 4);
        for (int i = 0; i < excluded; i++)
        {
            Add(o.ExcludedVirtualAddresses, AddressWithPrefix(Chance(0.5)));
        }

        if (Chance(0.3))
        {
            int peers = _random.Next(1, 4);
            for (int i = 0; i < peers; i++)
            {
                Add(o.UnicastPeers, Address(ipv6));
            }

            o.CheckUnicastSource = Chance(0.5);
        }

        o.SourceAddress = Chance(0.4) ? Address(ipv6) : null;
        if (Chance(0.2))
        {
            o.UseVirtualMac = true;
            o.VirtualMacInterface = Chance(0.5) ? $"vrrp.{index + 1}" : null;
        }

        int tracked = _random.Next(0, 4);
        for (int i = 0; i < tracked; i++)
        {
            string name = $"eth{_random.Next(4, 40)}";
            if (o.TrackInterfaces.All(t => t.Interface != name))
            {
                o.TrackInterfaces.Add(new TrackInterfaceOptions { Interface = name, Weight = Chance(0.3) ? 0 : _random.Next(-253, 254) });
            }
        }

        foreach (var script in options.Scripts.Where(_ => Chance(0.3)))
        {
            o.TrackScripts.Add(new TrackReferenceOptions { Name = script.Name, Weight = Chance(0.5) ? _random.Next(-253, 254) : null });
        }

        foreach (var file in options.TrackFiles.Where(_ => Chance(0.3)))
        {
            o.TrackFiles.Add(new TrackReferenceOptions { Name = file.Name, Weight = Chance(0.5) ? _random.Next(-254, 255) : null });
        }

        if (o.Priority == 255)
        {
            // keepalived drops an address owner's weighted trackers, nopreempt and preempt_delay; generate none.
            o.NoPreempt = false;
            o.PreemptDelay = TimeSpan.Zero;
            o.TrackInterfaces.ForEach(static t => t.Weight = 0);
            o.TrackScripts.ForEach(static t => t.Weight = 0);
            o.TrackFiles.ForEach(static t => t.Weight = 0);
        }

        return o;
    }

    private static void Add(List<string> list, string item)
    {
        if (!list.Contains(item))
        {
            list.Add(item);
        }
    }

    private string AddressWithPrefix(bool ipv6) => $"{Address(ipv6)}/{_random.Next(0, ipv6 ? 129 : 33)}";

    private string Address(bool ipv6)
    {
        var bytes = new byte[ipv6 ? 16 : 4];
        _random.NextBytes(bytes);
        return (ipv6 ? IPAddressValue.FromIPv6(bytes) : IPAddressValue.FromIPv4(bytes)).ToString();
    }

    private string CommandLine()
    {
        var words = new List<string> { "/usr/local/bin/" + Word(8) };
        int count = _random.Next(0, 5);
        for (int i = 0; i < count; i++)
        {
            words.Add(Word(_random.Next(0, 12), awkward: Chance(0.5), exactLength: true, awkwardSet: AwkwardCommand));
        }

        return KeepalivedCommandLine.Join(words);
    }

    private string Word(int maxLength, bool awkward = false, bool exactLength = false, string awkwardSet = Awkward)
    {
        int length = exactLength ? maxLength : _random.Next(1, maxLength + 1);
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = awkward && Chance(0.3) ? awkwardSet[_random.Next(awkwardSet.Length)] : Plain[_random.Next(Plain.Length)];
        }

        string word = new(chars);
        return word is "{" or "}" ? "x" + word : word; // a lone brace is a brace to keepalived, even quoted
    }

    private bool Chance(double p) => _random.NextDouble() < p;

    private string? Maybe(Func<string> make) => Chance(0.5) ? make() : null;
}
