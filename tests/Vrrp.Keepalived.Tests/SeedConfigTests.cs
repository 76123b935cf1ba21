using Vrrp.Keepalived;
using Vrrp.Packets;

namespace Vrrp.Keepalived.Tests;

/// <summary>The two keepalived.conf files of the nginx failover seed (copied byte for byte, Vietnamese comments included).</summary>
public class SeedConfigTests
{
    private static string SeedPath(string name) => Path.Combine(AppContext.BaseDirectory, "Seed", name);

    [Theory]
    [InlineData("keepalived-master.conf", 101, VrrpState.Master)]
    [InlineData("keepalived-backup.conf", 99, VrrpState.Backup)]
    public void Seed_file_reads_to_the_expected_options_without_any_diagnostic(string file, int priority, VrrpState state)
    {
        string path = SeedPath(file);
        var result = KeepalivedConfigReader.Read(path);

        Assert.Empty(result.Diagnostics);
        Assert.False(result.HasErrors);
        var options = result.GetOptionsOrThrow();
        Assert.Null(options.RouterId);
        Assert.Null(options.NetworkNamespace);
        Assert.Equal(TimeSpan.Zero, options.StartupDelay);
        Assert.Empty(options.Scripts);
        Assert.Empty(options.SyncGroups);
        Assert.Empty(options.TrackFiles);

        var vi = Assert.Single(options.Instances);
        Assert.Equal("VI_1", vi.Name);
        Assert.Equal(state, vi.InitialState);
        Assert.Equal("ens160", vi.Interface);
        Assert.Equal(9, vi.VirtualRouterId); // written "09"
        Assert.Equal(priority, vi.Priority);
        Assert.Equal(TimeSpan.FromSeconds(1), vi.AdvertisementInterval);
        Assert.Equal(VrrpVersion.V2, vi.Version); // keepalived's default vrrp_version
        Assert.Equal(AuthenticationType.SimplePassword, vi.AuthenticationType);
        Assert.Equal("1111", vi.AuthenticationPassword);
        Assert.Equal(["172.16.1.25/32"], vi.VirtualAddresses);
        Assert.Empty(vi.ExcludedVirtualAddresses);

        // Everything the seed does not say takes keepalived's default.
        Assert.False(vi.NoPreempt);
        Assert.Equal(TimeSpan.Zero, vi.PreemptDelay);
        Assert.Null(vi.SourceAddress);
        Assert.Empty(vi.UnicastPeers);
        Assert.False(vi.CheckUnicastSource);
        Assert.False(vi.UseVirtualMac);
        Assert.Null(vi.VirtualMacInterface);
        Assert.Null(vi.NetworkNamespace);
        Assert.False(vi.DontTrackPrimary);
        Assert.False(vi.StrictMode);
        Assert.Equal(TimeSpan.FromSeconds(5), vi.GarpMasterDelay);
        Assert.Equal(5, vi.GarpMasterRepeat);
        Assert.Equal(TimeSpan.Zero, vi.GarpMasterRefresh);
        Assert.Equal(1, vi.GarpMasterRefreshRepeat);
        Assert.Equal(TimeSpan.FromSeconds(5), vi.GarpLowerPriorityDelay);
        Assert.Equal(5, vi.GarpLowerPriorityRepeat);
        Assert.Empty(vi.TrackInterfaces);
        Assert.Empty(vi.TrackScripts);
        Assert.Empty(vi.TrackFiles);
        Assert.Null(vi.NotifyMaster);
        Assert.Null(vi.NotifyBackup);
        Assert.Null(vi.NotifyFault);
        Assert.Null(vi.NotifyStop);
        Assert.Null(vi.Notify);
    }

    [Fact]
    public void Seed_files_are_the_unchanged_originals()
    {
        // The Vietnamese comments (multi-byte UTF-8) sit after the values: they must be skipped as comments.
        string text = File.ReadAllText(SeedPath("keepalived-master.conf"));
        Assert.Contains("# ID của nhóm VRRP", text, StringComparison.Ordinal);
        Assert.Contains("virtual_router_id 09", text, StringComparison.Ordinal);
        Assert.Equal(791, new FileInfo(SeedPath("keepalived-master.conf")).Length);
        Assert.Equal(790, new FileInfo(SeedPath("keepalived-backup.conf")).Length);
    }

    [Fact]
    public void Master_and_backup_seeds_differ_only_in_state_and_priority()
    {
        var master = KeepalivedConfigReader.Read(SeedPath("keepalived-master.conf")).GetOptionsOrThrow().Instances[0];
        var backup = KeepalivedConfigReader.Read(SeedPath("keepalived-backup.conf")).GetOptionsOrThrow().Instances[0];
        master.InitialState = backup.InitialState;
        master.Priority = backup.Priority;
        Assert.Equal(OptionsText.Of(master), OptionsText.Of(backup));
    }

    [Theory]
    [InlineData("keepalived-master.conf")]
    [InlineData("keepalived-backup.conf")]
    public void Seed_options_survive_a_write_and_read(string file)
    {
        var options = KeepalivedConfigReader.Read(SeedPath(file)).GetOptionsOrThrow();
        string written = KeepalivedConfigWriter.Write(options);
        var reread = KeepalivedConfigReader.ReadText(written, "written.conf");
        Assert.Empty(reread.Diagnostics);
        Assert.Equal(OptionsText.Of(options), OptionsText.Of(reread.Options));
    }
}
