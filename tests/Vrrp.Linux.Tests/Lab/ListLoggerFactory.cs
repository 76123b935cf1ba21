using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Vrrp.Linux.Tests.Lab;

/// <summary>A logger factory that keeps every formatted message (and echoes it to the test output).</summary>
public sealed class ListLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<string> _messages = new();

    public IReadOnlyList<string> Messages => [.. _messages];

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException();

    public ILogger CreateLogger(string categoryName) => new ListLogger(this);

    public void Dispose()
    {
    }

    private sealed class ListLogger(ListLoggerFactory owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            string message = formatter(state, exception);
            owner._messages.Enqueue(message);
            try
            {
                TestContext.Current.TestOutputHelper?.WriteLine($"{logLevel}: {message}{(exception is null ? "" : " " + exception.Message)}");
            }
            catch (InvalidOperationException)
            {
                // Logged after the test ended.
            }
        }
    }
}
