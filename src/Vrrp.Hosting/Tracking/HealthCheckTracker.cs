using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using Vrrp.Hosting;

namespace Vrrp.Hosting;

/// <summary>
/// Runs one registered <see cref="IHealthCheck"/> (by its registration, in its own scope, as HealthCheckService does)
/// every interval with a timeout, and reports the rise/fall-debounced state: Healthy and Degraded count as up;
/// Unhealthy, a timeout or an exception count as down.
/// </summary>
internal sealed class HealthCheckTracker
{
    private readonly HealthCheckRegistration _registration;
    private readonly TrackHealthCheckOptions _options;
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Action<string, bool> _report;
    private RiseFallCounter _state;

    public HealthCheckTracker(HealthCheckRegistration registration, TrackHealthCheckOptions options, IServiceScopeFactory scopes, TimeProvider time, ILogger logger, Action<string, bool> report)
    {
        _registration = registration;
        _options = options;
        _scopes = scopes;
        _time = time;
        _logger = logger;
        _report = report;
        _state = new RiseFallCounter(options.Rise, options.Fall);
    }

    public string Name => _registration.Name;

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await RunOnceAsync(cancellationToken).ConfigureAwait(false);
                await Task.Delay(_options.Interval, _time, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    internal async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        HealthCheckResult result;
        var timeout = _registration.Timeout > TimeSpan.Zero && _registration.Timeout < _options.Timeout ? _registration.Timeout : _options.Timeout;
        using var timeoutSource = new CancellationTokenSource(timeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeoutSource.Token);
        try
        {
            var scope = _scopes.CreateAsyncScope();
            await using (scope.ConfigureAwait(false))
            {
                var check = _registration.Factory(scope.ServiceProvider);
                var context = new HealthCheckContext { Registration = _registration };
                result = await check.CheckHealthAsync(context, linked.Token).WaitAsync(timeout, _time, linked.Token).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (cancellationToken.IsCancellationRequested && ex is OperationCanceledException)
        {
            return;
        }
        catch (Exception ex) when (ex is OperationCanceledException or TimeoutException)
        {
            result = new HealthCheckResult(_registration.FailureStatus, $"timed out after {timeout}");
        }
        catch (Exception ex)
        {
            Log.HealthCheckThrew(_logger, Name, ex);
            result = new HealthCheckResult(_registration.FailureStatus, ex.Message, ex);
        }

        bool up = result.Status != HealthStatus.Unhealthy;
        if (_state.Record(up))
        {
            if (up)
            {
                Log.HealthCheckSucceeded(_logger, Name);
            }
            else
            {
                Log.HealthCheckFailed(_logger, Name, result.Status.ToString(), result.Description);
            }

            _report(Name, up);
        }
    }
}
