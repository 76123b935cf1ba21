// The flood benchmark's programs (run by flood.sh, as root, each in its own network namespace):
//   Flood send   --interface eth0 --rate 60000 --seconds 60 --target IP@MAC ... [--lower-priority-share 0.1] [--seed N]
//   Flood target --name master --priority 200 --address 192.0.2.11 --peer 192.0.2.12 [--interval-ms 100]
using Vrrp.Benchmarks.Flood;

try
{
    return args.Length > 0 && args[0] == "send" ? FloodSender.Run(args[1..])
         : args.Length > 0 && args[0] == "target" ? await FloodTarget.RunAsync(args[1..])
         : Usage();
}
catch (FormatException ex)
{
    Console.Error.WriteLine($"flood: {ex.Message}");
    return Usage();
}

static int Usage()
{
    Console.Error.WriteLine("usage: Flood send --interface IF --rate PPS --seconds N --target IP@MAC ... | Flood target --name N --priority P --address IP --peer IP");
    return 2;
}
