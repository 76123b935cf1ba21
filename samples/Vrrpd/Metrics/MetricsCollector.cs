using System.Diagnostics.Metrics;
using System.Text;

namespace Vrrpd.Metrics;

/// <summary>
/// Collects the measurements of the meters it accepts (vrrpd: the library's meter <c>Vrrp</c>) through a
/// <see cref="MeterListener"/>, and renders them in the Prometheus text format on request: counters keep a running
/// total, up-down counters a running sum, gauges their last value, histograms their buckets, and observable
/// instruments are read at scrape time (<see cref="MeterListener.RecordObservableInstruments"/>), so a scrape sees
/// the state of that moment. Cumulative, as the OpenTelemetry Prometheus exporter it replaces.
/// </summary>
/// <remarks>
/// Measurements of synchronous instruments come from any thread; a scrape takes one lock for its whole collection,
/// the recording of a measurement a second, short one.
/// </remarks>
internal sealed class MetricsCollector : IDisposable
{
    /// <summary>OpenTelemetry's default explicit bucket boundaries, for a histogram without advice.</summary>
    internal static readonly double[] DefaultBoundaries = [0, 5, 10, 25, 50, 75, 100, 250, 500, 750, 1000, 2500, 5000, 7500, 10000];

    private readonly MeterListener _listener;
    private readonly Lock _scrapeGate = new();
    private readonly Lock _gate = new();
    private readonly List<MetricFamily> _families = [];
    private readonly IReadOnlyList<KeyValuePair<string, string>> _target;

    /// <summary>Starts listening to the meters <paramref name="accept"/> takes.</summary>
    /// <param name="accept">Which meters to collect.</param>
    /// <param name="target">The labels of <c>target_info</c> (the service's name, version, instance), or empty for none.</param>
    public MetricsCollector(Func<Meter, bool> accept, IReadOnlyList<KeyValuePair<string, string>> target)
    {
        _target = target;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (accept(instrument.Meter) && MetricFamily.TryCreate(instrument) is { } family)
                {
                    lock (_gate)
                    {
                        _families.Add(family);
                    }

                    listener.EnableMeasurementEvents(instrument, family);
                }
            },
            MeasurementsCompleted = (_, state) =>
            {
                lock (_gate)
                {
                    _families.Remove((MetricFamily)state!);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<int>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<short>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<byte>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<double>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<float>((i, v, tags, state) => Record(state, v, tags));
        _listener.SetMeasurementEventCallback<decimal>((i, v, tags, state) => Record(state, (double)v, tags));
        _listener.Start();
    }

    /// <summary>Reads the observable instruments and renders every metric in the Prometheus text format 0.0.4.</summary>
    public string Scrape()
    {
        lock (_scrapeGate)
        {
            lock (_gate)
            {
                foreach (var family in _families)
                {
                    family.BeginObservation();
                }
            }

            _listener.RecordObservableInstruments();
            var text = new StringBuilder(4096);
            if (_target.Count > 0)
            {
                PrometheusText.AppendTargetInfo(text, _target);
            }

            lock (_gate)
            {
                foreach (var family in _families.OrderBy(f => f.Name, StringComparer.Ordinal))
                {
                    family.AppendTo(text);
                }
            }

            return text.ToString();
        }
    }

    /// <inheritdoc />
    public void Dispose() => _listener.Dispose();

    private void Record(object? state, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (state is not MetricFamily family)
        {
            return;
        }

        string labels = PrometheusText.Labels(family.ScopeName, tags);
        lock (_gate)
        {
            family.Record(labels, value);
        }
    }

    /// <summary>The kind of Prometheus metric an instrument becomes.</summary>
    internal enum Kind
    {
        /// <summary>Counter and observable counter: <c>_total</c>.</summary>
        Counter,

        /// <summary>Gauge, observable gauge, up-down counter and its observable form.</summary>
        Gauge,

        /// <summary>Histogram: <c>_bucket</c>, <c>_sum</c>, <c>_count</c>.</summary>
        Histogram,
    }

    /// <summary>One instrument's series, keyed by their rendered labels, in the order they first appeared.</summary>
    private sealed class MetricFamily
    {
        private readonly Dictionary<string, Point> _points = new(StringComparer.Ordinal);
        private readonly bool _integral;
        private readonly bool _observable;
        private readonly bool _sums;
        private readonly double[] _boundaries;

        private MetricFamily(Instrument instrument, Kind kind, bool integral, bool sums, double[] boundaries)
        {
            Kind = kind;
            ScopeName = instrument.Meter.Name;
            Name = PrometheusText.MetricName(instrument.Name, instrument.Unit, kind);
            Help = instrument.Description;
            _integral = integral;
            _observable = instrument.IsObservable;
            _sums = sums;
            _boundaries = boundaries;
        }

        public Kind Kind { get; }

        public string ScopeName { get; }

        public string Name { get; }

        public string? Help { get; }

        /// <summary>The family of an instrument, or null for a kind Prometheus has no form for.</summary>
        public static MetricFamily? TryCreate(Instrument instrument)
        {
            var type = instrument.GetType();
            if (!type.IsGenericType)
            {
                return null;
            }

            var definition = type.GetGenericTypeDefinition();
            var valueType = type.GetGenericArguments()[0];
            bool integral = valueType == typeof(long) || valueType == typeof(int) || valueType == typeof(short) || valueType == typeof(byte);
            if (definition == typeof(Counter<>))
            {
                return new MetricFamily(instrument, Kind.Counter, integral, sums: true, []);
            }

            if (definition == typeof(UpDownCounter<>))
            {
                return new MetricFamily(instrument, Kind.Gauge, integral, sums: true, []);
            }

            if (definition == typeof(ObservableCounter<>))
            {
                return new MetricFamily(instrument, Kind.Counter, integral, sums: false, []);
            }

            if (definition == typeof(ObservableGauge<>) || definition == typeof(ObservableUpDownCounter<>) || definition == typeof(Gauge<>))
            {
                return new MetricFamily(instrument, Kind.Gauge, integral, sums: false, []);
            }

            if (definition == typeof(Histogram<>))
            {
                return new MetricFamily(instrument, Kind.Histogram, integral, sums: true, Boundaries(instrument));
            }

            return null;
        }

        private static double[] Boundaries(Instrument instrument)
        {
            IReadOnlyList<double>? advised = instrument switch
            {
                Histogram<double> h => h.Advice?.HistogramBucketBoundaries,
                Histogram<float> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                Histogram<long> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                Histogram<int> h => h.Advice?.HistogramBucketBoundaries?.Select(b => (double)b).ToArray(),
                _ => null,
            };
            return advised is { Count: > 0 } ? [.. advised] : DefaultBoundaries;
        }

        /// <summary>Observable instruments show what their callbacks report at this scrape only (an instance removed by a reload goes away).</summary>
        public void BeginObservation()
        {
            if (_observable)
            {
                _points.Clear();
            }
        }

        public void Record(string labels, double value)
        {
            if (!_points.TryGetValue(labels, out var point))
            {
                point = new Point(Kind == Kind.Histogram ? new long[_boundaries.Length + 1] : null);
                _points.Add(labels, point);
            }

            if (Kind == Kind.Histogram)
            {
                int bucket = 0;
                while (bucket < _boundaries.Length && value > _boundaries[bucket])
                {
                    bucket++;
                }

                point.Buckets![bucket]++;
                point.Count++;
                point.Value += value;
            }
            else if (_sums)
            {
                point.Value += value;
            }
            else
            {
                point.Value = value;
            }
        }

        public void AppendTo(StringBuilder text)
        {
            if (_points.Count == 0)
            {
                return;
            }

            PrometheusText.AppendHeader(text, Name, Kind, Help);
            foreach (var (labels, point) in _points)
            {
                if (Kind != Kind.Histogram)
                {
                    PrometheusText.AppendSample(text, Name, labels, point.Value, _integral);
                    continue;
                }

                long cumulative = 0;
                for (int i = 0; i <= _boundaries.Length; i++)
                {
                    cumulative += point.Buckets![i];
                    string le = i < _boundaries.Length ? PrometheusText.Number(_boundaries[i], integral: false) : "+Inf";
                    PrometheusText.AppendSample(text, Name + "_bucket", PrometheusText.WithLabel(labels, "le", le), cumulative, integral: true);
                }

                PrometheusText.AppendSample(text, Name + "_sum", labels, point.Value, _integral);
                PrometheusText.AppendSample(text, Name + "_count", labels, point.Count, integral: true);
            }
        }
    }

    private sealed class Point(long[]? buckets)
    {
        public double Value;
        public long Count;
        public readonly long[]? Buckets = buckets;
    }
}
