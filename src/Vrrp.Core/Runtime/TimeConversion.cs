using Vrrp.Election;

namespace Vrrp.Runtime;

/// <summary>Converts a <see cref="TimeProvider"/>'s timestamps to the core's nanoseconds.</summary>
internal static class TimeConversion
{
    public static long GetNanoseconds(TimeProvider time)
    {
        long timestamp = time.GetTimestamp();
        long frequency = time.TimestampFrequency;
        if (frequency == ProtocolTimers.NanosecondsPerSecond)
        {
            return timestamp;
        }

        if (ProtocolTimers.NanosecondsPerSecond % frequency == 0)
        {
            return timestamp * (ProtocolTimers.NanosecondsPerSecond / frequency);
        }

        return (long)((Int128)timestamp * ProtocolTimers.NanosecondsPerSecond / frequency);
    }
}
