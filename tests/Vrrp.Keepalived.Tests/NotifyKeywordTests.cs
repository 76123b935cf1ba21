using Vrrp.Hosting;

namespace Vrrp.Keepalived.Tests;

/// <summary>
/// The notify and host keywords of issue 12 read as keepalived 2.2.7 reads them and written back:
/// notify_priority_changes (instance, else its sync group, else global_defs' vrrp_notify_priority_changes),
/// notify_deleted, a sync group's notify_stop, fifo_write_vrrp_states_on_reload, init_file and promote_secondaries.
/// </summary>
public class NotifyKeywordTests
{
    private static KeepalivedConfigResult ReadAndRoundTrip(string text)
    {
        var result = KeepalivedConfigReader.ReadText(text);
        Assert.False(result.HasErrors, string.Join("\n", result.Errors));
        var again = KeepalivedConfigReader.ReadText(KeepalivedConfigWriter.Write(result.Options));
        Assert.Empty(again.Errors);
        Assert.Equal(OptionsText.Of(result.Options), OptionsText.Of(again.Options));
        return result;
    }

    private static string Instance(string name, int vrid, string extra = "") => $$"""
        vrrp_instance {{name}} {
            interface eth0
            virtual_router_id {{vrid}}
            virtual_ipaddress {
                192.0.2.{{vrid}}
            }
            {{extra}}
        }

        """;

    [Fact]
    public void Notify_priority_changes_comes_from_the_instance_else_its_group_else_global_defs()
    {
        var result = ReadAndRoundTrip("""
            global_defs {
                vrrp_notify_priority_changes
                fifo_write_vrrp_states_on_reload
            }
            vrrp_sync_group G1 {
                group {
                    VI_1
                    VI_2
                }
                notify_priority_changes off
                notify_stop "/bin/echo group stop"
            }

            """ + Instance("VI_1", 1) + Instance("VI_2", 2, "notify_priority_changes yes") + Instance("VI_3", 3) + Instance("VI_4", 4, "notify_priority_changes false"));
        var o = result.Options;
        Assert.Equal([false, true, true, false], o.Instances.Select(static i => i.NotifyPriorityChanges ?? false));
        Assert.False(o.SyncGroups[0].NotifyPriorityChanges);
        Assert.Equal("/bin/echo group stop", o.SyncGroups[0].NotifyStop);
        Assert.True(o.FifoWriteStatesOnReload);
        Assert.Equal(["VI_2", "VI_3"], ScriptSettings.PriorityChanges(o));
    }

    [Fact]
    public void Notify_deleted_is_a_flag_or_a_command_with_its_user_and_the_first_one_wins()
    {
        var result = ReadAndRoundTrip(
            Instance("VI_1", 1, "notify_deleted") +
            Instance("VI_2", 2, "notify_deleted \"/bin/echo gone\" nobody\n    notify_deleted /bin/false"));
        var (flag, command) = (result.Options.Instances[0], result.Options.Instances[1]);
        Assert.True(flag.ReportDeleted);
        Assert.Null(flag.NotifyDeleted);
        Assert.True(command.ReportDeleted);
        Assert.Equal("/bin/echo gone", command.NotifyDeleted);
        Assert.Equal("nobody", command.NotifyUser);
        Assert.Contains(result.Diagnostics, static d => d.ToString().Contains("notify_deleted is already set; this one is ignored", StringComparison.Ordinal));
    }

    [Fact]
    public void Init_file_and_promote_secondaries_are_read_and_written_back()
    {
        var result = ReadAndRoundTrip("""
            vrrp_track_file a {
                file /run/a
                init_file
            }
            vrrp_track_file b {
                file /run/b
                init_file overwrite -12
            }
            vrrp_track_file c {
                file /run/c
                init_file 300
            }
            vrrp_track_file d {
                file /run/d
            }

            """ + Instance("VI_1", 1, "promote_secondaries\n    track_file {\n        a\n        b\n        c\n        d\n    }"));
        var files = result.Options.TrackFiles;
        Assert.Equal([(0, false), (-12, true), (300, false)], files.Take(3).Select(static f => (f.InitialValue!.Value, f.InitialOverwrite)));
        Assert.Null(files[3].InitialValue);
        Assert.True(result.Options.Instances[0].PromoteSecondaries);
        // keepalived: "init value 300 is outside sensible range [-254, 254]", and uses it.
        Assert.Contains(result.Diagnostics, static d => d.ToString().Contains("init value 300 is outside the sensible range", StringComparison.Ordinal));
    }

    [Fact]
    public void An_unknown_init_file_option_is_an_error()
    {
        var result = KeepalivedConfigReader.ReadText("vrrp_track_file a {\n    file /run/a\n    init_file sometimes\n}\n" + Instance("VI_1", 1, "track_file {\n        a\n    }"));
        Assert.Contains(result.Errors, static e => e.ToString().Contains("init_file: unknown option 'sometimes'", StringComparison.Ordinal));
    }
}
