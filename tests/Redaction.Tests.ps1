#Requires -Modules @{ ModuleName = 'Pester'; ModuleVersion = '5.5.0' }
# Secrets are redacted everywhere (issue 10 item 4): each token shape — classic PAT, OAuth,
# user-to-server, installation, refresh, fine-grained PAT, the 2026 stateless installation token
# (~520 characters, JWT-shaped) and a JWT — is fed through every stream: GitHub's error message,
# documentation_url, errors[] and an echoed response header (the fake's echoing faults send back
# the Authorization header the module sent), a token typed as host name, owner, repository and
# claim key, the ShouldProcess text. Commands run with -Verbose -Debug *>&1; every record
# (errors in $Error and -ErrorVariable, warnings, verbose, debug, information, output) is
# searched for the token. The error stays informative: it says [REDACTED] and what went wrong.
# Token-shaped strings are built at run time.
# Not searched: InvocationInfo.BoundParameters / Line, PowerShell's own record of what the
# user typed (a test passes tokens in variables, so the line shows the variable's name).

BeforeDiscovery {
    # The token shapes, built at run time (never committed as literals), for the -ForEach tables.
    $b64 = { param([int] $n) ('Zm9v-YmFy_QUJD' * ([math]::Ceiling($n / 14) + 1)).Substring(0, $n) }
    $jwt = 'eyJ' + (& $b64 33) + '.' + (& $b64 150) + '.' + (& $b64 342)
    $shapes = @(
        @{ Shape = 'classic PAT'; Token = 'gh' + 'p_' + ('Ab1' * 12) }
        @{ Shape = 'OAuth'; Token = 'gh' + 'o_' + ('Ab1' * 12) }
        @{ Shape = 'user-to-server'; Token = 'gh' + 'u_' + ('Ab1' * 12) }
        @{ Shape = 'installation'; Token = 'gh' + 's_' + ('Ab1' * 12) }
        @{ Shape = 'refresh'; Token = 'gh' + 'r_' + ('Ab1' * 12) }
        @{ Shape = 'fine-grained PAT'; Token = 'github' + '_pat_' + '11AAAAAAA0' + ('b_C' * 24) }
        @{ Shape = 'stateless installation (2026)'; Token = 'gh' + 's_' + '1234567_' + $jwt }
        @{ Shape = 'JWT'; Token = $jwt }
    )
}

BeforeAll {
    . "$PSScriptRoot/common.ps1"
    Import-TestModule
    Clear-GitHubOidcTestEnvironment
    $script:fake = Start-FakeGitHub

    # Every text a record of any stream carries.
    function script:Get-StreamText {
        param([object[]] $Item)
        foreach ($i in $Item) {
            if ($null -eq $i) { continue }
            if ($i -is [System.Management.Automation.ErrorRecord]) {
                $i.ToString()
                $i.Exception.ToString()
                "$($i.ErrorDetails)"
                "$($i.ErrorDetails.RecommendedAction)"
                "$($i.TargetObject)"
                $i.CategoryInfo.ToString()
                $i.FullyQualifiedErrorId
                $i | Out-String -Width 500
                if ($i.Exception -is [GitHubOidc.Native.GitHubOidcException]) {
                    ConvertTo-Json -InputObject $i.Exception.Details -Depth 5 -Compress
                }
            } elseif ($i -is [System.Management.Automation.InformationalRecord]) {
                $i.Message
            } elseif ($i -is [System.Management.Automation.InformationRecord]) {
                "$($i.MessageData)"
            } else {
                $i | Out-String -Width 500
            }
        }
    }

    function script:Assert-NoToken {
        param([string[]] $Text, [string] $Token)
        $all = $Text -join "`n"
        $body = ($Token -split '_', 2)[-1]
        $all.Contains($Token) | Should -BeFalse -Because "the token must not appear in: $all"
        $all.Contains($body.Substring(0, [math]::Min(24, $body.Length))) | Should -BeFalse -Because "no piece of the token may appear in: $all"
    }

}

AfterAll {
    Stop-FakeGitHub -Fake $script:fake
}

Describe 'Tokens are redacted from every stream' {
    BeforeEach {
        Reset-FakeGitHub -Fake $script:fake
        $Error.Clear()
    }

    It '<Shape>: GitHub echoes the token in its message, documentation_url, errors[] and a header' -ForEach $shapes {
        $echo = '{{credential:authorization}}'
        Add-FakeFault -Fake $script:fake -Fault @{
            status = 401; path_prefix = '/repos/'
            body = (@{ message = "Bad credentials $echo"; documentation_url = "https://docs.github.com/rest?token=$echo"; errors = @("{{header:authorization}}") } | ConvertTo-Json -Compress)
            headers = @{ 'x-accepted-github-permissions' = $echo }
        }
        $context = @{ ApiBaseUri = $script:fake.BaseUrl; IssuerUri = $script:fake.BaseUrl; Token = $Token; MaxRetries = 0 }
        # -ErrorAction Continue: a compiled cmdlet honours this test's $ErrorActionPreference (Stop).
        $out = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context $context -Verbose -Debug -ErrorVariable failed -ErrorAction Continue *>&1
        # The server did receive the token (the echo is real).
        (Get-FakeRequests -Fake $script:fake -PathLike '/repos/*')[0].headers.authorization | Should -Not -BeNullOrEmpty
        $failed.Count | Should -Be 1
        $failed[0].FullyQualifiedErrorId | Should -BeLike 'GitHubOidc.Unauthorized*'
        "$($failed[0])" | Should -Match 'Bad credentials \[REDACTED\]'
        "$($failed[0])" | Should -Match 'octo-org/octo-repo'
        @($out | Where-Object { $_ -is [System.Management.Automation.VerboseRecord] }).Count | Should -BeGreaterThan 0
        @($out | Where-Object { $_ -is [System.Management.Automation.DebugRecord] }).Count | Should -BeGreaterThan 0
        Assert-NoToken -Token $Token -Text (Get-StreamText $out), (Get-StreamText $failed), (Get-StreamText @($Error))
    }

    It '<Shape>: a write whose answer echoes the token (warnings, verbose, debug, errors)' -ForEach $shapes {
        Add-FakeFault -Fake $script:fake -Fault @{
            status = 500; path_prefix = '/repos/'; method = 'PUT'; times = 5
            body = '{"message": "upstream saw {{header:authorization}} at {{path}}"}'
        }
        $context = @{ ApiBaseUri = $script:fake.BaseUrl; IssuerUri = $script:fake.BaseUrl; Token = $Token; MaxRetries = 0 }
        $out = Set-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -IncludeClaimKeys repo, context -Context $context `
            -Confirm:$false -Verbose -Debug -ErrorVariable failed *>&1
        $failed.Count | Should -Be 1
        "$($failed[0])" | Should -Match 'upstream saw .*\[REDACTED\]'
        Assert-NoToken -Token $Token -Text (Get-StreamText $out), (Get-StreamText @($Error))
    }

    It '<Shape>: typed as the host name, the owner, the repository or a claim key' -ForEach $shapes {
        $context = @{ ApiBaseUri = $script:fake.BaseUrl; IssuerUri = $script:fake.BaseUrl; Token = 'test-admin-token'; MaxRetries = 0 }
        $hostName = $Token
        $commands = @(
            { Get-GitHubOidcSubjectClaim -Owner octo-org -Context $hostName -Verbose -Debug }
            { Get-GitHubOidcClaim -Context "$hostName.example.com" -Verbose -Debug }
            { Get-GitHubOidcSubjectClaim -Owner $Token -Repository octo-repo -Context $context -Verbose -Debug }
            { Get-GitHubOidcSubjectClaim -Owner octo-org -Repository $Token -Context $context -Verbose -Debug }
            { Resolve-GitHubOidcSubject -Claim @{ repository = 'octo-org/octo-repo'; ref = 'refs/heads/main' } -IncludeClaimKeys repo, $Token -Verbose -Debug }
            { Resolve-GitHubOidcSubject -Claim @{ repository = 'octo-org/octo-repo' } -IncludeClaimKeys $Token -Verbose -Debug }
            { Get-GitHubOidcContext -Context @{ HostName = 'github.com'; TimeoutSec = $Token } -Verbose -Debug }
            { Add-GitHubOidcPropertyClaim -Owner octo-org -Name $Token -Context $context -WhatIf -Verbose -Debug }
        )
        # Every stream of each command, and its error whether it terminates the command or not.
        $out = foreach ($command in $commands) {
            try { & $command *>&1 } catch { $_ }
        }
        @($out | Where-Object { $_ -is [System.Management.Automation.ErrorRecord] }).Count | Should -BeGreaterThan 3
        Assert-NoToken -Token $Token -Text (Get-StreamText $out), (Get-StreamText @($Error))
    }

    It 'a secret of any shape (the context''s own token) echoed back is redacted too' {
        Add-FakeFault -Fake $script:fake -Fault @{ status = 404; path_prefix = '/repos/'; body = '{"message": "no access for {{header:authorization}}"}' }
        $out = Get-GitHubOidcSubjectClaim -Owner octo-org -Repository octo-repo -Context ($script:fake.Context('test-admin-token')) -ErrorVariable failed -ErrorAction Continue *>&1
        "$($failed[0])" | Should -Match 'no access for \S+ \[REDACTED\]'
        Assert-NoToken -Token 'test-admin-token' -Text (Get-StreamText $out), (Get-StreamText @($Error))
    }

    It 'ShouldProcess (-WhatIf) texts do not show a token typed as a name' -ForEach @(@{ Tokens = @($shapes | ForEach-Object { $_.Token }) }) {
        # -WhatIf writes to the host, not to a stream: run it in a child pwsh and read its output.
        $path = Get-TestModulePath
        $tokens = $Tokens
        $script = @"
Import-Module '$path'
`$context = @{ ApiBaseUri = '$($script:fake.BaseUrl)'; IssuerUri = '$($script:fake.BaseUrl)'; Token = 'test-admin-token'; MaxRetries = 0 }
foreach (`$t in [Console]::In.ReadToEnd().Split("``n", [StringSplitOptions]::RemoveEmptyEntries)) {
    Set-GitHubOidcSubjectClaim -Owner octo-org -Repository `$t.Trim() -UseDefault -Context `$context -WhatIf *>&1 | Out-String
    Add-GitHubOidcPropertyClaim -Owner octo-org -Name `$t.Trim() -Context `$context -WhatIf *>&1 | Out-String
}
'done'
"@
        $out = ($tokens -join "`n") | Invoke-Pwsh -NoProfile -NonInteractive -Command $script
        @($out)[-1] | Should -Be 'done'
        ($out -join "`n") | Should -Match 'What if'
        foreach ($token in $tokens) {
            Assert-NoToken -Token $token -Text $out
        }
        @(Get-FakeRequests -Fake $script:fake -Method PUT).Count | Should -Be 0
    }

    It '<Shape>: the native redaction removes the whole token and leaves ordinary text as it is' -ForEach $shapes {
        [GitHubOidc.Native.NativeClient]::Redact('repo:octo-org@123/octo-repo@456:ref:refs/heads/main') |
            Should -Be 'repo:octo-org@123/octo-repo@456:ref:refs/heads/main'
        # The whole token, the ~520-character stateless installation token too, not a prefix of it.
        [GitHubOidc.Native.NativeClient]::Redact("a $Token b") | Should -Be 'a [REDACTED] b'
        [GitHubOidc.Native.NativeClient]::Redact('uses s3cret-value', 's3cret-value') | Should -Be 'uses [REDACTED]'
    }
}
