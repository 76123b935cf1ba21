using Microsoft.Extensions.Logging;

namespace Vrrp.Linux.Resources;

// The platform's part of an instance: virtual-MAC interfaces, routes and rules, the Accept_Mode filter. Fixed event ids.
internal static partial class Log
{
    [LoggerMessage(3300, LogLevel.Information, "({Instance}) created virtual-MAC interface {Interface} on {Parent}")]
    public static partial void VirtualMacCreated(ILogger logger, string instance, string @interface, string parent);

    [LoggerMessage(3301, LogLevel.Warning, "({Instance}) adopted virtual-MAC interface {Interface} on {Parent} (left by a previous run)")]
    public static partial void VirtualMacAdopted(ILogger logger, string instance, string @interface, string parent);

    [LoggerMessage(3302, LogLevel.Information, "({Instance}) removed virtual-MAC interface {Interface}")]
    public static partial void VirtualMacRemoved(ILogger logger, string instance, string @interface);

    [LoggerMessage(3303, LogLevel.Warning, "({Instance}) unicast with use_vmac requires vmac_xmit_base - setting")]
    public static partial void TransmitBaseForUnicast(ILogger logger, string instance);

    [LoggerMessage(3304, LogLevel.Warning, "({Instance}) removing leftover {Kind} {Text} (left by a previous run)")]
    public static partial void LeftoverRemoved(ILogger logger, string instance, string kind, string text);

    [LoggerMessage(3305, LogLevel.Error, "({Instance}) could not {Operation} {What} {Text}")]
    public static partial void OperationFailed(ILogger logger, string instance, string operation, string what, string text, Exception exception);

    [LoggerMessage(3306, LogLevel.Information, "({Instance}) set promote_secondaries on {Interface}")]
    public static partial void PromoteSecondariesSet(ILogger logger, string instance, string @interface);

    [LoggerMessage(3307, LogLevel.Information, "({Instance}) created ipvlan interface {Interface} ({Mode}) on {Parent}")]
    public static partial void IpvlanCreated(ILogger logger, string instance, string @interface, string mode, string parent);

    [LoggerMessage(3308, LogLevel.Warning, "({Instance}) adopted ipvlan interface {Interface} on {Parent} (left by a previous run)")]
    public static partial void IpvlanAdopted(ILogger logger, string instance, string @interface, string parent);

    [LoggerMessage(3309, LogLevel.Information, "({Instance}) removed ipvlan interface {Interface}")]
    public static partial void IpvlanRemoved(ILogger logger, string instance, string @interface);
}
