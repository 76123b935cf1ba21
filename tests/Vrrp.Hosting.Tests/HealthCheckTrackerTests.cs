using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Time.Testing;
using Vrrp.Hosting;

namespace Vrrp.Hosting.Tests;

public class HealthCheckTrackerTests
{
    private sealed class Switchable : IHealthCheck
    {
        public volatile HealthStatus Status = HealthStatus.Healthy;
        public volatile bool Hang;

        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (Hang)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }

            return new HealthCheckResult(Status, "test");
        }
    }

    [Fact]
    public async Task Unhealthy_fall_times_goes_down_healthy_rise_times_comes_back_and_a_hang_is_a_failure()
    {
        var check = new Switchable();
        var services = new ServiceCollection();
        services.AddHealthChecks().AddCheck("db", check);
        using var sp = services.BuildServiceProvider();
        var registration = sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<HealthCheckServiceOptions>>().Value.Registrations.Single();
        var time = new FakeTimeProvider();
        var logger = new FakeLogger();
        var reports = new List<bool>();
        var tracker = new HealthCheckTracker(
            registration,
            new TrackHealthCheckOptions { Name = "db", Rise = 2, Fall = 2, Timeout = TimeSpan.FromSeconds(1) },
            sp.GetRequiredService<IServiceScopeFactory>(),
            time,
            logger,
            (_, up) => reports.Add(up));
        var ct = TestContext.Current.CancellationToken;

        check.Status = HealthStatus.Unhealthy;
        await tracker.RunOnceAsync(ct);
        Assert.Empty(reports);
        await tracker.RunOnceAsync(ct);
        Assert.Equal([false], reports);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message == "VRRP_HealthCheck(db) failed (Unhealthy: test)");

        check.Status = HealthStatus.Degraded; // degraded still serves: counts as up
        await tracker.RunOnceAsync(ct);
        await tracker.RunOnceAsync(ct);
        Assert.Equal([false, true], reports);

        check.Hang = true;
        for (int i = 0; i < 2; i++)
        {
            var run = tracker.RunOnceAsync(ct);
            for (int j = 0; j < 100 && !run.IsCompleted; j++)
            {
                time.Advance(TimeSpan.FromMilliseconds(100));
                await Task.Delay(5, ct);
            }

            await run.WaitAsync(TimeSpan.FromSeconds(10), ct);
        }

        Assert.Equal([false, true, false], reports);
        Assert.Contains(logger.Collector.GetSnapshot(), r => r.Message.StartsWith("VRRP_HealthCheck(db) failed (Unhealthy: timed out", StringComparison.Ordinal));
    }
}
