using BenchmarkDotNet.Running;

// Run with: dotnet run -c Release --project tests/Vrrp.Benchmarks -- --filter '*'
BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);

/// <summary>Entry point type for the benchmark switcher.</summary>
public partial class Program;
