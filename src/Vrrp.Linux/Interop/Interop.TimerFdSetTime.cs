using System.Runtime.InteropServices;

namespace Vrrp.Linux.Interop;

internal static partial class Libc
{
    internal const int TFD_TIMER_ABSTIME = 1;

    /// <summary>struct timespec (64-bit).</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    /// <summary>struct itimerspec: the interval (zero: one-shot), then the expiry.</summary>
    [StructLayout(LayoutKind.Sequential)]
    internal struct TimerSpec
    {
        public TimeSpec Interval;
        public TimeSpec Value;
    }

    /// <summary>timerfd_settime(2): arms the timer at an absolute CLOCK_MONOTONIC time (<see cref="TFD_TIMER_ABSTIME"/>), or disarms it (zero).</summary>
    [LibraryImport(Name, EntryPoint = "timerfd_settime", SetLastError = true)]
    internal static unsafe partial int TimerFdSetTime(int fd, int flags, TimerSpec* newValue, TimerSpec* oldValue);
}
