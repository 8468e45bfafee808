"""Every user-facing string, in English and Simplified Chinese: one catalog per language.

``text(key, lang, **values)`` formats a string; a key missing from a catalog is a bug that
tests/test_settings.py catches (both catalogs must have the same keys).
"""

from __future__ import annotations

from optimizers import get_optimizer

LANGUAGES = {"en": "English", "zh": "简体中文"}

EN: dict[str, str] = {
    "app.title": "Loss Surface Lab",
    "app.tagline": "Watch optimizers race across a loss surface.",
    "app.language": "Language",
    "nav.playground": "Playground",
    "nav.lessons": "Lessons",
    "nav.custom": "Custom surface",
    "nav.sweep": "Sweep",
    "nav.basins": "Basins",
    "pg.surface": "Surface",
    "pg.optimizers": "Optimizers",
    "pg.optimizers.help": "Pick up to {max}; each gets its own colour and settings.",
    "pg.hyper": "{name} settings",
    "pg.start": "Start point",
    "pg.start.help": "Type it, or click anywhere on the map.",
    "pg.starts": "Starts",
    "pg.starts.single": "one point",
    "pg.starts.ring": "ring around it",
    "pg.starts.grid": "grid around it",
    "pg.starts.count": "number of starts",
    "pg.starts.radius": "spread",
    "pg.steps": "Steps",
    "pg.options": "Clipping, schedule, noise, regularization",
    "pg.clip": "Gradient clipping",
    "pg.clip.none": "none",
    "pg.clip.norm": "by norm",
    "pg.clip.value": "by value",
    "pg.clip.at": "clip threshold",
    "pg.schedule": "Learning-rate schedule",
    "pg.schedule.constant": "constant",
    "pg.schedule.step": "step decay",
    "pg.schedule.exponential": "exponential",
    "pg.schedule.cosine": "cosine",
    "pg.schedule.linear": "linear decay to step τ",
    "pg.schedule.tau": "τ (steps)",
    "pg.schedule.final": "final lr as a fraction",
    "pg.schedule.gamma": "decay factor γ",
    "pg.schedule.every": "every (steps)",
    "pg.noise": "Gradient noise σ (minibatch SGD)",
    "pg.seed": "Random seed",
    "pg.reg": "Regularization",
    "pg.reg.none": "none",
    "pg.reg.l1": "L1 penalty λ|w|₁",
    "pg.reg.l2": "L2 penalty (λ/2)|w|²",
    "pg.reg.l1_ball": "L1 constraint |w|₁ ≤ r",
    "pg.reg.l2_ball": "L2 constraint |w|₂ ≤ r",
    "pg.reg.strength": "λ or r",
    "pg.stable": "On this quadratic, gradient descent is stable for lr < 2/L = {limit:.4g}.",
    "pg.formula": "Formula",
    "pg.race": "Race",
    "pg.view3d": "3-D view",
    "pg.loss": "Loss",
    "pg.gradnorm": "Show the gradient norm",
    "pg.summary": "Summary",
    "pg.export": "Export",
    "pg.export.html": "Animation (HTML)",
    "pg.export.csv": "Trajectories (CSV)",
    "pg.share": "Every setting is in the address bar: copy the link to share this exact scene.",
    "pg.notice": "Some settings in the link were not valid and were replaced by defaults: {what}",
    "pg.clamped": "Some values were too large for this server and were reduced: {what}",
    "pg.none": "Pick at least one optimizer.",
    "hp.lr": "learning rate",
    "hp.momentum": "momentum μ",
    "hp.beta1": "β₁",
    "hp.beta2": "β₂",
    "hp.rho": "decay ρ",
    "hp.centered": "centered",
    "hp.weight_decay": "weight decay λ",
    "hp.beta2_decay": "β₂ decay exponent",
    "hp.damping": "damping α (H + αI)",
    "hp.history": "history size",
    "hp.variant": "β formula",
    "hp.line_search": "Armijo line search",
    "col.optimizer": "optimizer",
    "col.final": "final loss",
    "col.distance": "distance to nearest minimum",
    "col.converged": "converged at step",
    "col.status": "what happened",
    "st.diverged": "{name} diverged at step {step}: lower the learning rate",
    "st.diverged_some": (
        "{count} of {n} runs of {name} diverged (first at step {step}): lower the learning rate"
    ),
    "st.converged": "{name} converged at step {step}",
    "st.converged_some": "{count} of {n} runs of {name} converged (first at step {step})",
    "st.moving": "{name} is still moving after {steps} steps",
    "fig.play": "Play",
    "fig.pause": "Pause",
    "fig.step": "step {step}",
    "fig.minimum": "known minimum",
    "fig.saddle": "saddle point",
    "fig.start": "start",
    "fig.click": "click: start here",
    "fig.contours": "contours",
    "fig.height": "height (log scale)",
    "fig.constraint": "constraint",
    "fig.loss": "loss",
    "fig.gap": "loss − minimum",
    "fig.grad_norm": "gradient norm",
    "fig.x_step": "step",
    "cu.title": "Your own surface",
    "cu.input": "f(x, y) =",
    "cu.help": (
        "Numbers, x, y, pi, e, + - * / ^ and abs, sqrt, exp, log, sin, cos, tan, tanh, atan, sinh, "
        "cosh, sign, max, min."
    ),
    "cu.examples": "Or start from an example:",
    "cu.auto": "Choose the range automatically",
    "cu.auto_range": "Range chosen to show the minimum: x in {x}, y in {y}.",
    "cu.xrange": "x range",
    "cu.yrange": "y range",
    "cu.bad_bounds": "Each range needs a minimum below its maximum.",
    "cu.invalid": "Not accepted: {reason}",
    "cu.valid": "Accepted. Its gradient and Hessian, derived symbolically:",
    "cu.minima": "Estimated global minimum: f = {value} at {points} (found numerically, from many starts).",
    "cu.no_minimum": "No minimum inside these bounds was found (the function may be unbounded below).",
    "cu.undefined": (
        "Grey areas are where f is undefined or infinite; a trajectory that reaches one stops there."
    ),
    "st.undefined": "{name} stopped at step {step}: it left the plot or reached a point where f is undefined",
    "le.choose": "Lesson",
    "le.previous": "Previous lesson",
    "le.next": "Next lesson",
    "le.present": "Presentation mode",
    "le.notice": "What to notice:",
    "le.open": "Open “{scene}” in the Playground",
    "map.final_loss": "final loss − minimum",
    "map.loss": "final loss",
    "map.converged_at": "steps to converge",
    "map.diverged": "diverged (1) or not (0)",
    "map.minimum": "minimum",
    "map.other": "another stationary point",
    "map.still": "not converged",
    "map.diverged_label": "diverged",
    "map.steps": "steps",
    "map.stable": "2/L: gradient descent's stability limit",
    "map.heavy_ball": "2(1+β)/L: heavy ball's stability limit",
    "sw.title": "Hyperparameter sweep",
    "sw.intro": (
        "Every cell is a separate run with its own pair of hyperparameters; all of them are computed "
        "together in one vectorized call."
    ),
    "sw.optimizer": "Optimizer",
    "sw.x": "Horizontal axis",
    "sw.y": "Vertical axis",
    "sw.side": "Cells per side",
    "sw.metric": "Colour by",
    "sw.running": "Running {count} trajectories…",
    "sw.click": "Click a cell to open that run in the Playground.",
    "ba.title": "Basins of attraction",
    "ba.intro": (
        "Every point of the grid is a start; its colour says which minimum the optimizer reached from "
        "there (darker: more steps). The same optimizer, different starts: initialization decides."
    ),
    "ba.legend": (
        "Colours: one per known minimum; grey: not converged; black: diverged; olive: another point."
    ),
}

ZH: dict[str, str] = {
    "app.title": "损失曲面实验室",
    "app.tagline": "看优化器在损失曲面上赛跑。",
    "app.language": "语言",
    "nav.playground": "游乐场",
    "nav.lessons": "课程",
    "nav.custom": "自定义曲面",
    "nav.sweep": "超参数扫描",
    "nav.basins": "吸引域",
    "pg.surface": "曲面",
    "pg.optimizers": "优化器",
    "pg.optimizers.help": "最多选 {max} 个；每个有自己的颜色和设置。",
    "pg.hyper": "{name} 的设置",
    "pg.start": "起点",
    "pg.start.help": "直接输入，或在图上任意位置点击。",
    "pg.starts": "起点数量",
    "pg.starts.single": "单个点",
    "pg.starts.ring": "周围一圈",
    "pg.starts.grid": "周围网格",
    "pg.starts.count": "起点个数",
    "pg.starts.radius": "分布范围",
    "pg.steps": "步数",
    "pg.options": "梯度截断、学习率调度、噪声、正则化",
    "pg.clip": "梯度截断",
    "pg.clip.none": "不截断",
    "pg.clip.norm": "按范数",
    "pg.clip.value": "按分量",
    "pg.clip.at": "截断阈值",
    "pg.schedule": "学习率调度",
    "pg.schedule.constant": "常数",
    "pg.schedule.step": "阶梯衰减",
    "pg.schedule.exponential": "指数衰减",
    "pg.schedule.cosine": "余弦",
    "pg.schedule.linear": "线性衰减到第 τ 步",
    "pg.schedule.tau": "τ（步）",
    "pg.schedule.final": "最终学习率占初始的比例",
    "pg.schedule.gamma": "衰减系数 γ",
    "pg.schedule.every": "每隔（步）",
    "pg.noise": "梯度噪声 σ（小批量 SGD）",
    "pg.seed": "随机种子",
    "pg.reg": "正则化",
    "pg.reg.none": "无",
    "pg.reg.l1": "L1 惩罚 λ|w|₁",
    "pg.reg.l2": "L2 惩罚 (λ/2)|w|²",
    "pg.reg.l1_ball": "L1 约束 |w|₁ ≤ r",
    "pg.reg.l2_ball": "L2 约束 |w|₂ ≤ r",
    "pg.reg.strength": "λ 或 r",
    "pg.stable": "在这个二次曲面上，学习率 lr < 2/L = {limit:.4g} 时梯度下降才稳定。",
    "pg.formula": "公式",
    "pg.race": "赛跑",
    "pg.view3d": "三维视图",
    "pg.loss": "损失",
    "pg.gradnorm": "显示梯度范数",
    "pg.summary": "结果汇总",
    "pg.export": "导出",
    "pg.export.html": "动画（HTML）",
    "pg.export.csv": "轨迹（CSV）",
    "pg.share": "所有设置都在地址栏里：复制链接即可分享这个场景。",
    "pg.notice": "链接中的部分设置无效，已换成默认值：{what}",
    "pg.clamped": "部分数值超出本服务器的上限，已被调小：{what}",
    "pg.none": "请至少选择一个优化器。",
    "hp.lr": "学习率",
    "hp.momentum": "动量 μ",
    "hp.beta1": "β₁",
    "hp.beta2": "β₂",
    "hp.rho": "衰减率 ρ",
    "hp.centered": "中心化",
    "hp.weight_decay": "权重衰减 λ",
    "hp.beta2_decay": "β₂ 衰减指数",
    "hp.damping": "阻尼 α（H + αI）",
    "hp.history": "历史长度",
    "hp.variant": "β 公式",
    "hp.line_search": "Armijo 线搜索",
    "col.optimizer": "优化器",
    "col.final": "最终损失",
    "col.distance": "到最近极小点的距离",
    "col.converged": "收敛步数",
    "col.status": "发生了什么",
    "st.diverged": "{name} 在第 {step} 步发散：请调低学习率",
    "st.diverged_some": "{name} 的 {n} 条轨迹中有 {count} 条发散（最早在第 {step} 步）：请调低学习率",
    "st.converged": "{name} 在第 {step} 步收敛",
    "st.converged_some": "{name} 的 {n} 条轨迹中有 {count} 条收敛（最早在第 {step} 步）",
    "st.moving": "{name} 走了 {steps} 步仍未收敛",
    "fig.play": "播放",
    "fig.pause": "暂停",
    "fig.step": "第 {step} 步",
    "fig.minimum": "已知极小点",
    "fig.saddle": "鞍点",
    "fig.start": "起点",
    "fig.click": "点击：从这里出发",
    "fig.contours": "等高线",
    "fig.height": "高度（对数刻度）",
    "fig.constraint": "约束",
    "fig.loss": "损失",
    "fig.gap": "损失 − 最小值",
    "fig.grad_norm": "梯度范数",
    "fig.x_step": "步数",
    "cu.title": "自定义曲面",
    "cu.input": "f(x, y) =",
    "cu.help": (
        "可用：数字、x、y、pi、e、+ - * / ^ 以及 abs、sqrt、exp、log、sin、cos、tan、tanh、atan、"
        "sinh、cosh、sign、max、min。"
    ),
    "cu.examples": "或者从一个例子开始：",
    "cu.auto": "自动选择范围",
    "cu.auto_range": "为显示极小点而选择的范围：x ∈ {x}，y ∈ {y}。",
    "cu.xrange": "x 范围",
    "cu.yrange": "y 范围",
    "cu.bad_bounds": "每个范围的最小值都必须小于最大值。",
    "cu.invalid": "无法接受：{reason}",
    "cu.valid": "已接受。下面是符号求导得到的梯度和 Hessian：",
    "cu.minima": "估计的全局极小：f = {value}，位于 {points}（从大量起点数值求得）。",
    "cu.no_minimum": "在这个范围内没有找到极小点（函数可能无下界）。",
    "cu.undefined": "灰色区域是 f 无定义或为无穷的地方；轨迹到达那里就会停下。",
    "st.undefined": "{name} 在第 {step} 步停下：它离开了绘图范围，或到达了 f 无定义的点",
    "le.choose": "课程",
    "le.previous": "上一课",
    "le.next": "下一课",
    "le.present": "演示模式",
    "le.notice": "注意看：",
    "le.open": "在游乐场中打开“{scene}”",
    "map.final_loss": "最终损失 − 最小值",
    "map.loss": "最终损失",
    "map.converged_at": "收敛所需步数",
    "map.diverged": "是否发散（1 是 0 否）",
    "map.minimum": "极小点",
    "map.other": "其他驻点",
    "map.still": "未收敛",
    "map.diverged_label": "发散",
    "map.steps": "步数",
    "map.stable": "2/L：梯度下降的稳定上限",
    "map.heavy_ball": "2(1+β)/L：重球法的稳定上限",
    "sw.title": "超参数扫描",
    "sw.intro": "每个格子都是一次独立的运行，各有一对超参数；它们在一次向量化调用中一起算完。",
    "sw.optimizer": "优化器",
    "sw.x": "横轴",
    "sw.y": "纵轴",
    "sw.side": "每边格子数",
    "sw.metric": "颜色表示",
    "sw.running": "正在运行 {count} 条轨迹……",
    "sw.click": "点击一个格子，在游乐场中打开这次运行。",
    "ba.title": "吸引域",
    "ba.intro": (
        "网格上的每个点都是一个起点；颜色表示优化器从那里出发到达了哪个极小点（越深步数越多）。"
        "同一个优化器，不同的起点：初始化决定结果。"
    ),
    "ba.legend": "颜色：每个已知极小点一种；灰色：未收敛；黑色：发散；橄榄色：其他驻点。",
}

# Surface titles and teaching notes: English comes with each Surface, Chinese is here.
SURFACE_ZH: dict[str, tuple[str, str]] = {
    "saddle": ("鞍点", "中心处梯度为零却不是极小点：普通梯度下降在那里几乎停住，过一会儿才滑向一侧。"),
    "monkey_saddle": (
        "猴鞍面",
        "一个平坦的退化鞍点，有三条下坡的山谷：那里的 Hessian 为零，二阶方法从中学不到任何东西。",
    ),
    "narrow_valley": (
        "狭窄山谷（病态二次函数）",
        "两个方向的曲率相差 κ 倍：对陡峭山壁足够小的步长，在平坦的谷底上只能缓慢爬行。",
    ),
    "cliff": (
        "悬崖（梯度爆炸）",
        "在崖壁上梯度极大，一步普通更新就把点抛得很远；按范数截断梯度能让步长保持小而稳定。",
    ),
    "plateau": (
        "高原（梯度消失）",
        "远离中心的地方几乎是平的：普通梯度下降几乎不动，动量会逐渐加速，自适应方法会放大微小的梯度。",
    ),
    "constrained_bowl": (
        "倾斜的碗（L1 / L2）",
        "加上 L1 惩罚后，极小点移到坐标轴上（稀疏解）；L2 惩罚只是把它向原点收缩。",
    ),
    "rosenbrock": ("Rosenbrock 函数", "一条弯曲狭窄的山谷：找到山谷很容易，沿谷底走到 (1, 1) 却很难。"),
    "beale": ("Beale 函数", "角落里有平坦的高原和陡峭的山脊：适合一个区域的步长在另一个区域会失败。"),
    "booth": ("Booth 函数", "等高线拉长的凸二次函数：一步牛顿法就能落到极小点。"),
    "himmelblau": ("Himmelblau 函数", "四个同样好的极小点：到达哪一个只取决于从哪里出发。"),
    "rastrigin": ("Rastrigin 函数", "碗状曲面上布满规则排列的局部极小点：梯度下降会停在遇到的第一个里。"),
    "ackley": ("Ackley 函数", "几乎平坦、布满小坑的外围，中间是一个又深又尖的洞。"),
    "goldstein_price": ("Goldstein-Price 函数", "函数值跨越六个数量级：固定步长总会在某处过大或过小。"),
    "six_hump_camel": ("六峰驼背函数", "六个局部极小点，其中两个是全局的：一张吸引域的地图。"),
    "three_hump_camel": ("三峰驼背函数", "一个全局极小点，两侧各有一个局部极小点。"),
    "matyas": ("Matyas 函数", "沿对角线方向的扁平二次函数（条件数 25）。"),
    "mccormick": ("McCormick 函数", "谷底呈正弦起伏的倾斜山谷。"),
    "styblinski_tang": ("Styblinski-Tang 函数", "四个深浅不同的极小点：只有一个是全局的。"),
    "levi13": ("Levi N.13 函数", "两个方向上的波纹把普通梯度下降困在远离极小点的地方。"),
}

CATALOGS = {"en": EN, "zh": ZH}


def text(key: str, lang: str = "en", **values: object) -> str:
    """The string ``key`` in ``lang`` (English when the language is unknown), formatted."""
    catalog = CATALOGS.get(lang, EN)
    template = catalog.get(key) or EN[key]
    return template.format(**values) if values else template


def surface_title(surface, lang: str) -> str:
    if lang == "zh" and surface.name in SURFACE_ZH:
        return SURFACE_ZH[surface.name][0]
    return surface.title


# Optimizers with a usual Chinese name; the others (Adam, RMSProp, BFGS...) keep theirs.
OPTIMIZER_ZH = {
    "gd": "梯度下降",
    "momentum": "动量法",
    "nesterov": "Nesterov 动量",
    "newton": "牛顿法",
    "cg": "共轭梯度法",
}


def optimizer_title(name: str, lang: str) -> str:
    if lang == "zh" and name in OPTIMIZER_ZH:
        return OPTIMIZER_ZH[name]
    return get_optimizer(name).title


def surface_note(surface, lang: str) -> str:
    if lang == "zh" and surface.name in SURFACE_ZH:
        return SURFACE_ZH[surface.name][1]
    return surface.note


def figure_words(lang: str) -> dict[str, str]:
    """The labels the figure builders take, in ``lang``."""
    return {k.removeprefix("fig."): v for k, v in CATALOGS.get(lang, EN).items() if k.startswith("fig.")}
