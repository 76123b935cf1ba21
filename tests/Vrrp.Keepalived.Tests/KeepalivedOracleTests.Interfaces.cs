using Vrrp.Keepalived;
using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

public sealed partial class KeepalivedOracleTests
{
    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Keepalived_understands_default_interface_and_dynamic_interfaces_as_the_reader_does(bool dynamic, bool allowChanges)
    {
        // default_interface, dynamic_interfaces [allow_if_changes]: written by our writer, accepted by keepalived -t, and
        // keepalived -d's global dump shows what our reader read; a static address without dev goes on the default
        // interface in keepalived's dump as in ours.
        RequireLab();
        CreateNamespace(["eth0", "eth1"]);
        var options = new VrrpOptions { DefaultInterface = "eth1", DynamicInterfaces = dynamic, AllowInterfaceChanges = allowChanges };
        options.StaticAddresses.Add("192.0.2.150/24");
        options.Instances.Add(new VrrpInstanceOptions { Name = "VI_1", Interface = "eth0", VirtualRouterId = 9, VirtualAddresses = { "10.0.0.1/24" } });
        string written = KeepalivedConfigWriter.Write(options);
        AssertKeepalivedAccepts(written);
        string path = Path.Combine(_folder, "interfaces.conf");
        File.WriteAllText(path, written);
        var read = KeepalivedConfigReader.Read(path);
        Assert.Empty(read.Diagnostics);
        Assert.Equal(("eth1", dynamic, allowChanges), (read.Options.DefaultInterface, read.Options.DynamicInterfaces, read.Options.AllowInterfaceChanges));

        string dump = DumpConfiguration(path);
        TestContext.Current.TestOutputHelper?.WriteLine(dump);
        var lines = dump.Split('\n').Select(static l => l.TrimEnd('\r')).ToList();
        string? Value(string name) => lines.Select(l => l.Split(" = ", 2)).FirstOrDefault(f => f.Length == 2 && f[0].EndsWith(" " + name, StringComparison.Ordinal))?[1].Trim();
        Assert.Equal(dynamic ? "true" : "false", Value("Dynamic interfaces"));
        Assert.Equal(dynamic ? (allowChanges ? "true" : "false") : null, Value("Allow interface changes"));
        if (Value("Default interface") is { } defaultInterface)
        {
            Assert.Equal("eth1", defaultInterface); // printed by a keepalived built with LVS
        }

        Assert.Contains(lines, static l => l.Contains("192.0.2.150/24", StringComparison.Ordinal) && l.Contains("dev eth1", StringComparison.Ordinal));
    }
}
