// The README's first command: three routers on the in-memory LAN, in real time, no root needed.
// Election, the master dies, the takeover measured against the RFC bound, the master returns and preempts.
using System.Globalization;
using Vrrp;
using Vrrp.Demo;
using Vrrp.Election;
using Vrrp.Testing;

var interval = TimeSpan.FromMilliseconds(100);
if (args is ["--interval", var text] && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double ms) && ms >= 10)
{
    interval = TimeSpan.FromMilliseconds(ms);
}

var ui = new Timeline();
var vip = VirtualAddress.Parse("192.0.2.100/24");
var lan = new VirtualLan(TimeProvider.System, seed: 1);
var template = new VirtualRouterConfiguration
{
    Name = "VI_1",
    InterfaceName = "eth0",
    VirtualRouterId = 51,
    AdvertisementInterval = interval,
    VirtualAddresses = [vip],
};
var r1 = lan.AddNode("r1", IPAddressValue.Parse("192.0.2.11")).AddRouter(template with { Priority = 200 });
var r2 = lan.AddNode("r2", IPAddressValue.Parse("192.0.2.12")).AddRouter(template with { Priority = 150 });
var r3 = lan.AddNode("r3", IPAddressValue.Parse("192.0.2.13")).AddRouter(template with { Priority = 100 });
SimulatedRouter[] routers = [r1, r2, r3];

ui.Title($"Vrrp demo: VRRPv3, VRID 51, VIP {vip.Address}, advert interval {interval.TotalMilliseconds} ms, three routers on an in-memory LAN (real time)");
foreach (var r in routers)
{
    ui.Line($"  {r.Node.Name}  {r.Node.Address,-12}  priority {r.Configuration.Priority,3}   Master_Down_Interval {Ms(MasterDown(r.Configuration.Priority))}");
}

int shown = 0;
void ShowEvents()
{
    var events = lan.Events;
    for (; shown < events.Count; shown++)
    {
        var e = events[shown];
        if (e.Kind is LanEventKind.AdvertisementSent or LanEventKind.AdvertisementLost)
        {
            continue;
        }

        // A burst of identical events (the five gratuitous ARPs of a takeover) is one line with a count.
        int repeat = 1;
        while (shown + 1 < events.Count && events[shown + 1] is var next && next.Node == e.Node && next.Kind == e.Kind && next.Detail == e.Detail)
        {
            repeat++;
            shown++;
        }

        ui.Event(e, repeat);
    }
}

async Task<bool> WaitFor(Func<bool> condition, TimeSpan limit)
{
    var deadline = DateTime.UtcNow + limit;
    while (DateTime.UtcNow < deadline)
    {
        ShowEvents();
        if (condition())
        {
            return true;
        }

        await Task.Delay(5);
    }

    ShowEvents();
    return condition();
}

bool OnlyMaster(SimulatedRouter r) =>
    r.State == VrrpState.Master && routers.Count(x => x.State == VrrpState.Master) == 1 &&
    lan.HoldersOf(vip.Address) is [var only] && only == r.Node;

var limit = TimeSpan.FromTicks(interval.Ticks * 10) + TimeSpan.FromSeconds(2);
bool ok = true;

ui.Phase("1. Election: every router starts in Backup; the highest priority takes over after its Master_Down_Interval", lan.Elapsed);
await lan.StartAsync();
ok &= await WaitFor(() => OnlyMaster(r1) && r2.State == VrrpState.Backup && r3.State == VrrpState.Backup, limit);
await Task.Delay(interval * 3);
ShowEvents();

ui.Phase("2. r1 dies (powered off: no priority-0 advert); r2, the next priority, takes over", lan.Elapsed);
var lastAdvert = LastAdvertFrom("r1");
await r1.Node.PowerOffAsync();
ok &= await WaitFor(() => OnlyMaster(r2) && r3.State == VrrpState.Backup, limit);
var takeover = FirstMasterSince(r2, lastAdvert);
var bound = MasterDown(r2.Configuration.Priority);

ui.Phase("3. r1 comes back: it starts in Backup, discards r2's lower-priority adverts and preempts", lan.Elapsed);
await r1.Node.StartAsync();
ok &= await WaitFor(() => OnlyMaster(r1) && r2.State == VrrpState.Backup && r3.State == VrrpState.Backup, limit);
await Task.Delay(interval * 2);
ShowEvents();

ui.Phase("4. r1 stops gracefully: it sends priority 0, so r2 takes over after only its skew time", lan.Elapsed);
var stopAt = lan.Elapsed;
await r1.Node.StopAsync();
ok &= await WaitFor(() => OnlyMaster(r2), limit);
var handover = FirstMasterSince(r2, stopAt);
var skew = TimeSpan.FromTicks(ProtocolTimers.SkewTime(r2.Configuration.Priority, ProtocolTimers.ToNanoseconds(interval)) / 100);

ui.Phase("Result");
ShowEvents();
var printed = lan.Events.Take(shown).ToList();   // exactly what was printed above (and the sends it left out)
ui.Line($"  takeover after the master died: {Ms(takeover - lastAdvert)} after its last advert; RFC bound Master_Down_Interval = 3 x {interval.TotalMilliseconds} ms + skew = {Ms(bound)}");
ui.Line($"  handover after priority 0:      {Ms(handover - stopAt)} after the stop; RFC bound Skew_Time = {Ms(skew)}");
ui.Line($"  final: {string.Join(", ", routers.Select(r => $"{r.Node.Name} {r.State}"))}; VIP held by {string.Join(", ", lan.HoldersOf(vip.Address).Select(n => n.Name))}");

// The verdict comes from the same events printed above: a moment with two masters is listed, never hidden.
var (overlapLines, passed, verdict) = DemoVerdict.Judge(ok, DemoVerdict.FindOverlaps(printed, vip.Address.ToString(), ui.Steps), interval);
foreach (string line in overlapLines)
{
    ui.Line(line);
}

await lan.StopAsync();
ui.Verdict(passed, verdict);
return passed ? 0 : 1;

TimeSpan MasterDown(byte priority) =>
    TimeSpan.FromTicks(ProtocolTimers.MasterDownInterval(priority, ProtocolTimers.ToNanoseconds(interval)) / 100);

TimeSpan LastAdvertFrom(string node) =>
    lan.Events.LastOrDefault(e => e.Node == node && e.Kind == LanEventKind.AdvertisementSent).Time;

TimeSpan FirstMasterSince(SimulatedRouter r, TimeSpan since) =>
    lan.Events.FirstOrDefault(e => e.Node == r.Node.Name && e.Kind == LanEventKind.StateChanged && e.Time >= since && e.Detail.Contains("-> Master", StringComparison.Ordinal)).Time;

static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:F3} ms";

/// <summary>Console output: colours when the terminal supports them (and NO_COLOR is not set).</summary>
internal sealed class Timeline
{
    private readonly bool _colour = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public void Title(string text) => Write("\e[1m", text);

    /// <summary>When each numbered phase began (LAN time), for the verdict.</summary>
    public List<(string Step, TimeSpan Start)> Steps { get; } = [];

    public void Phase(string text, TimeSpan? start = null)
    {
        if (start is { } at)
        {
            Steps.Add((text[..text.IndexOf('.', StringComparison.Ordinal)], at));
        }

        Console.WriteLine();
        Write("\e[1;36m", "== " + text);
    }

    public void Line(string text) => Console.WriteLine(text);

    public void Event(LanEvent e, int repeat)
    {
        string colour = e.Kind switch
        {
            LanEventKind.StateChanged when e.Detail.Contains("-> Master", StringComparison.Ordinal) => "\e[1;32m",
            LanEventKind.StateChanged => "\e[33m",
            LanEventKind.NodeLifecycle => "\e[1;31m",
            _ => "\e[2m",
        };
        Write(colour, $"  {e.Time.TotalMilliseconds,10:F3} ms  {e.Node,-3} {Describe(e.Kind),-18} {e.Detail}{(repeat > 1 ? $" (x{repeat})" : "")}");
    }

    public void Verdict(bool ok, string text)
    {
        Console.WriteLine();
        Write(ok ? "\e[1;32m" : "\e[1;31m", (ok ? "OK: " : "FAILED: ") + text);
    }

    private static string Describe(LanEventKind kind) => kind switch
    {
        LanEventKind.StateChanged => "state",
        LanEventKind.AddressAdded => "VIP added",
        LanEventKind.AddressRemoved => "VIP removed",
        LanEventKind.Announced => "gratuitous ARP",
        LanEventKind.NodeLifecycle => "node",
        LanEventKind.LinkChanged => "link",
        _ => kind.ToString(),
    };

    private void Write(string colour, string text) =>
        Console.WriteLine(_colour ? colour + text + "\e[0m" : text);
}
