namespace Vrrp.Hosting;

/// <summary>
/// keepalived's rise/fall hysteresis: a tracker that is up goes down after <c>fall</c> consecutive failures, and one
/// that is down comes up after <c>rise</c> consecutive successes.
/// </summary>
internal struct RiseFallCounter
{
    private readonly int _rise;
    private readonly int _fall;
    private int _streak;

    public RiseFallCounter(int rise, int fall, bool initiallyUp = true)
    {
        _rise = Math.Max(1, rise);
        _fall = Math.Max(1, fall);
        IsUp = initiallyUp;
    }

    /// <summary>The debounced state.</summary>
    public bool IsUp { get; private set; }

    /// <summary>Feeds one result; returns true when <see cref="IsUp"/> changed.</summary>
    public bool Record(bool success)
    {
        if (success == IsUp)
        {
            _streak = 0;
            return false;
        }

        if (++_streak < (success ? _rise : _fall))
        {
            return false;
        }

        _streak = 0;
        IsUp = success;
        return true;
    }
}
